using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace MixupSharp.Benchmarks;

/// <summary>
/// Each benchmark's median as a percentage of the median of its baseline (the SeedNet training step on the same batch
/// shape): the "% of a step" figure of docs/BENCHMARKS.md, robust to the odd slow iteration that moves a mean.
/// </summary>
public sealed class MedianPercentOfStepColumn : IColumn
{
    /// <inheritdoc />
    public string Id => nameof(MedianPercentOfStepColumn);

    /// <inheritdoc />
    public string ColumnName => "Median % of step";

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => "Median of this benchmark divided by the median of the baseline with the same parameters, in percent";

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(b => b.Descriptor.Baseline);

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.BenchmarksCases.FirstOrDefault(b => b.Descriptor.Baseline && b.Descriptor.Type == benchmarkCase.Descriptor.Type && b.Parameters.DisplayInfo == benchmarkCase.Parameters.DisplayInfo);
        var mine = summary[benchmarkCase]?.ResultStatistics;
        var theirs = baseline is null ? null : summary[baseline]?.ResultStatistics;
        if (mine is null || theirs is null || theirs.Median <= 0)
        {
            return "?";
        }

        return (100 * mine.Median / theirs.Median).ToString("F2", CultureInfo.InvariantCulture);
    }
}

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using MixupSharp.Benchmarks;

// In-process: BenchmarkDotNet's generated projects would not get this repository's native-library fix.
// Usage: dotnet run -c Release --project bench/MixupSharp.Benchmarks -- [BenchmarkDotNet arguments, e.g. --filter '*']
// Reported: the median of the measured iterations, and each op's median as a percentage of the training step's median.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(3)
    .WithIterationCount(15);
var config = DefaultConfig.Instance.AddJob(job)
    .AddColumn(StatisticColumn.Median, StatisticColumn.Min, StatisticColumn.Max, new MedianPercentOfStepColumn())
    .WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(AugmentationBenchmarks).Assembly).Run(args.Length == 0 ? new[] { "--filter", "*" } : args, config);

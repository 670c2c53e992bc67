using System.Linq;
using MixupSharp.Tests.Support;
using MixupSharp.Training.Models;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary><c>mixup models</c>: every built-in model with its parameter count and a time measured now, not written in.</summary>
[Collection(TorchGlobalState.Name)]
public sealed class ModelsCommandTests
{
    [Fact]
    public void EveryModelIsListedWithItsParametersAndAMeasuredTime()
    {
        var result = CliRunner.Run("models", "--repeats", "1", "--threads", "1");
        Assert.True(result.Code == 0, result.Err);
        foreach (string name in ModelFactory.Names)
        {
            using var model = ModelFactory.Create(name, name == "seednet" ? 1 : 3, ModelFactory.NativeSize(name), 10);
            long parameters = model.parameters().Sum(p => p.numel());
            var row = result.Out.Split('\n').Single(l => l.StartsWith($"| {name} |", System.StringComparison.Ordinal));
            Assert.Contains($"| {parameters:N0} |", row);
            double ms = double.Parse(row.Split('|')[4], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(ms > 0 && double.IsFinite(ms), row);
        }

        CliAssert.UsageError(CliRunner.Run("models", "--repeats", "0"), "--repeats must be 1–1000; got 0.");
    }
}

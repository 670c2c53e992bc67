using System;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Training;

/// <summary>--recipe: a named setting backed by our evidence, recorded in config.json, overridden by explicit flags wherever they stand.</summary>
public sealed class RecipeTests
{
    private static TrainingOptions Parse(params string[] args)
    {
        var options = new TrainingOptions();
        MixupSharp.Cli.TrainCommand.Options(() => options, o => options = o, _ => { }).Parse(MixupSharp.Cli.TrainCommand.RecipeFirst(args));
        options.Validate();
        return options;
    }

    [Fact]
    public void ARecipeSetsItsOptionsAndRecordsItsName()
    {
        var o = Parse("--recipe", "noisy-labels", "--epochs", "3");
        Assert.Equal(KnownMethods.Mixup, o.Method);
        Assert.Equal(8, o.Alpha);
        Assert.Equal("noisy-labels", o.Recipe);
        Assert.Equal(3, o.Epochs);
    }

    [Fact]
    public void ExplicitFlagsOverrideTheRecipeBeforeOrAfterIt()
    {
        Assert.Equal(2, Parse("--alpha", "2", "--recipe", "noisy-labels").Alpha);
        Assert.Equal(2, Parse("--recipe", "noisy-labels", "--alpha", "2").Alpha);
    }

    [Fact]
    public void AnUnknownRecipeIsAOneLineUsageError()
    {
        var r = CliRunner.Run("train", "--recipe", "magic");
        Assert.Equal(2, r.Code);
        Assert.Equal("error: --recipe must be one of noisy-labels; got 'magic'.", r.Err.Trim());
    }
}

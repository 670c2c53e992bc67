using System;
using System.IO;
using System.Linq;
using MixupSharp.Training;
using MixupSharp.Training.Interop;
using MixupSharp.Training.Options;
using static TorchSharp.torch;

namespace MixupSharp.Cli;

/// <summary><c>mixup export</c>: a run's trained model as a PyTorch state dict or safetensors.</summary>
public static class ExportCommand
{
    /// <summary>The verb's option table (for help and shell completion).</summary>
    public static OptionTable Table() => Table(new Settings());

    /// <summary>Runs the verb.</summary>
    public static int Run(string[] args, TextWriter output)
    {
        var s = new Settings();
        if (Table(s).HelpOrParse(args, output))
        {
            return 0;
        }

        if (s.Run is null)
        {
            throw new UsageException("export needs --run DIR (a run folder written by ./mixup train).");
        }

        var format = TrainCommand.Choice<ExportFormat>("format", s.Format);
        string path = s.Out ?? Path.Combine(s.Run, "model" + ModelExport.Extension(format));
        OutputFile.Check("--out", path, s.Overwrite);
        var trained = TrainedModel.Load(s.Run, CPU, ema: s.Ema);
        using (trained.Model)
        {
            ModelExport.Save(trained.Model, format, path);
            long parameters = trained.Model.parameters().Sum(p => p.numel());
            output.WriteLine($"{path}: {trained.Options.Model} ({parameters:N0} parameters, {trained.Model.state_dict().Count} tensors) as {KebabCaseEnumConverter<ExportFormat>.Name(format)}");
        }

        return 0;
    }

    private static OptionTable Table(Settings s) =>
        new OptionTable("export", "Write a run's trained model as a PyTorch state dict (--format pt: torch.load + load_state_dict) or safetensors, named as the model's parameters.")
            .Add("--run", "DIR", "the run folder (with config.json and checkpoint.bin); required", v => s.Run = v)
            .Add("--format", "NAME", "safetensors (default) or pt", v => s.Format = v)
            .Add("--out", "FILE", "the file to write (default DIR/model.safetensors or DIR/model.pt)", v => s.Out = v)
            .Switch("--ema", "export the moving average of the weights (a run trained with --model-ema) instead of the weights", () => s.Ema = true)
            .Switch("--overwrite", "replace an existing file (never anything that is not a regular file)", () => s.Overwrite = true);

    private sealed class Settings
    {
        public string? Run { get; set; }

        public string Format { get; set; } = "safetensors";

        public string? Out { get; set; }

        public bool Overwrite { get; set; }

        public bool Ema { get; set; }
    }
}

using System;
using System.IO;
using System.Linq;
using MixupSharp.Training;
using MixupSharp.Training.Interop;
using MixupSharp.Training.Interop.Onnx;
using MixupSharp.Training.Options;
using static TorchSharp.torch;

namespace MixupSharp.Cli;

/// <summary><c>mixup export</c>: a run's trained model as a PyTorch state dict, safetensors, or an ONNX model.</summary>
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
        if (format != ExportFormat.Onnx && (s.Opset is not null || s.DynamicBatch))
        {
            throw new UsageException("--opset and --dynamic-batch are for --format onnx.");
        }

        if (s.Opset is < OnnxExport.MinOpset or > OnnxExport.MaxOpset)
        {
            throw new UsageException($"--opset must be {OnnxExport.MinOpset}–{OnnxExport.MaxOpset} (ONNX 1.12's operator sets that hold every layer); got {s.Opset}.");
        }

        string path = s.Out ?? Path.Combine(s.Run, "model" + ModelExport.Extension(format));
        OutputFile.Check("--out", path, s.Overwrite);
        var trained = TrainedModel.Load(s.Run, CPU, ema: s.Ema);
        using (trained.Model)
        {
            long parameters = trained.Model.parameters().Sum(p => p.numel());
            if (format == ExportFormat.Onnx)
            {
                var onnx = new OnnxExportOptions
                {
                    Channels = trained.Channels,
                    ImageSize = trained.ImageSize,
                    Normalize = trained.Normalize,
                    ClassNames = trained.ClassNames,
                    Opset = s.Opset ?? OnnxExport.DefaultOpset,
                    DynamicBatch = s.DynamicBatch,
                    ModelName = trained.Options.Model,
                    CropFraction = trained.Options.Streamed ? trained.Options.CropFraction : null,
                };
                OnnxExport.Save(trained.Model, onnx, path);
                string batch = s.DynamicBatch ? "N" : "1";
                output.WriteLine($"{path}: {trained.Options.Model} ({parameters:N0} parameters) as ONNX opset {onnx.Opset}: input pixels float32 [{batch}, {onnx.Channels}, {onnx.ImageSize}, {onnx.ImageSize}] in [0, 1] (normalized in the graph), output logits [{batch}, {onnx.ClassNames.Count}], class names in the metadata");
            }
            else
            {
                ModelExport.Save(trained.Model, format, path);
                output.WriteLine($"{path}: {trained.Options.Model} ({parameters:N0} parameters, {trained.Model.state_dict().Count} tensors) as {KebabCaseEnumConverter<ExportFormat>.Name(format)}");
            }
        }

        return 0;
    }

    private static OptionTable Table(Settings s) =>
        new OptionTable("export", "Write a run's trained model as a PyTorch state dict (--format pt: torch.load + load_state_dict) or safetensors, named as the model's parameters, or as an ONNX model for ONNX Runtime (--format onnx: pixels in [0, 1] in, logits out, class names in the metadata).")
            .Add("--run", "DIR", "the run folder (with config.json and checkpoint.bin); required", v => s.Run = v)
            .Add("--format", "NAME", "safetensors (default), pt or onnx", v => s.Format = v)
            .Add("--out", "FILE", "the file to write (default DIR/model.safetensors, DIR/model.pt or DIR/model.onnx)", v => s.Out = v)
            .Add("--opset", "N", $"onnx: the ONNX operator set, {OnnxExport.MinOpset}–{OnnxExport.MaxOpset} (default {OnnxExport.DefaultOpset})", v => s.Opset = OptionTable.Int(v))
            .Switch("--dynamic-batch", "onnx: a symbolic batch dimension (default: a batch of 1)", () => s.DynamicBatch = true)
            .Switch("--ema", "export the moving average of the weights (a run trained with --model-ema) instead of the weights", () => s.Ema = true)
            .Switch("--overwrite", "replace an existing file (never anything that is not a regular file)", () => s.Overwrite = true);

    private sealed class Settings
    {
        public string? Run { get; set; }

        public string Format { get; set; } = "safetensors";

        public string? Out { get; set; }

        public bool Overwrite { get; set; }

        public bool Ema { get; set; }

        public int? Opset { get; set; }

        public bool DynamicBatch { get; set; }
    }
}

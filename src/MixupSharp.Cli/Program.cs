using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using MixupSharp.Cli;
using MixupSharp.Training;
using MixupSharp.Training.Data;
using MixupSharp.Training.Options;

// The `mixup` command: a thin shell over MixupSharp.Training. User errors are one line and a non-zero exit code.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
return Cli.Run(args, Console.Out, Console.Error);

namespace MixupSharp.Cli
{
    /// <summary>The dispatcher: one verb per file (<c>*Command.cs</c>), errors mapped to one line and an exit code.</summary>
    public static class Cli
    {
        private const string Usage = """
            usage: ./mixup <verb> [options]

            verbs:
              train      train a classifier with a method (ERM, Mixup, CutMix, masks, MaskDistortMix, ...) and keep a resumable run folder
              eval       evaluate a run's checkpoint: error, NLL, ECE, per-class accuracy, and error under FGSM attacks (--fgsm EPS)
              compare    train a grid of variants x seeds (resumable) and report mean +- sd, Welch p-values and overlay plots
              preview    write a PNG of what a method does to real samples, with lambda under each
              learning-curve  plot a metric against the training-set size from grids written by compare
              bench      measure the trainer against a bare loop, loader throughput, memory growth and load times
              datasets   list where each dataset is found, or download one (--download NAME)
              export     write a run's trained model as a PyTorch state dict (.pt), safetensors or ONNX
              predict    a trained run's top classes for your own images: ./mixup predict --run DIR photo.png folder/
              models     each built-in model's parameters and forward+backward time of one image, measured here
              loader     stream a folder's or list's training images through the loader alone: images/s, peak memory
              completion print a shell completion script: source <(./mixup completion bash)   (or zsh)
              reference  print the command-line reference as Markdown (docs/cli.md)

            ./mixup <verb> --help shows every option of a verb; ./mixup --version the versions. Options take
            "--flag value" or "--flag=value".
            """;

        /// <summary>Runs the command line; returns the exit code (0 ok, 1 failure, 2 usage, 130 interrupted).</summary>
        public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken? stop = null)
        {
            if (args.Length == 0)
            {
                // No verb is a usage error: the usage goes to standard error, as the exit code says.
                error.WriteLine(Usage);
                return 2;
            }

            if (args[0] is "--help" or "-h" or "help")
            {
                output.WriteLine(Usage);
                return 0;
            }

            if (args[0] is "--version" or "version")
            {
                output.WriteLine(Version());
                return 0;
            }

            try
            {
                var rest = args.Skip(1).ToArray();
                return args[0] switch
                {
                    "train" => TrainCommand.Run(rest, output, stop),
                    "eval" => EvalCommand.Run(rest, output),
                    "compare" => CompareCommand.Run(rest, output, stop),
                    "preview" => PreviewCommand.Run(rest, output),
                    "learning-curve" => LearningCurveCommand.Run(rest, output),
                    "bench" => BenchCommand.Run(rest, output),
                    "datasets" => DatasetsCommand.Run(rest, output),
                    "export" => ExportCommand.Run(rest, output),
                    "predict" => PredictCommand.Run(rest, output, error),
                    "models" => ModelsCommand.Run(rest, output),
                    "loader" => LoaderCommand.Run(rest, output),
                    "completion" => Completion(rest, output),
                    "reference" => Reference(rest, output),
                    _ => throw new UsageException($"unknown verb '{args[0]}'; expected train, eval, compare, preview, learning-curve, bench, datasets, export, predict, models, loader, completion or reference (see ./mixup --help)"),
                };
            }
            catch (UsageException e)
            {
                error.WriteLine($"error: {e.Message}");
                return 2;
            }
            catch (InvalidOptionException e)
            {
                // Every option's validation is a usage error. Training names its options as variants files do
                // ("epochs"); on the command line they are flags.
                error.WriteLine($"error: --{ErrorText.OneLine(e)}");
                return 2;
            }
            catch (Exception e) when (e is ArgumentException or IOException or CheckpointException or TrainingDivergedException or DatasetFormatException or InvalidDataException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: {ErrorText.OneLine(e)}");
                return 1;
            }
        }

        /// <summary>The versions of mixup, the library, TorchSharp and .NET.</summary>
        public static string Version() =>
            $"mixup {BuildInfo.Version} (commit {BuildInfo.Commit}; TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, .NET {Environment.Version})";

        private static int Completion(string[] args, TextWriter output)
        {
            if (args.Length != 1)
            {
                throw new UsageException("completion needs one shell: ./mixup completion bash (or zsh).");
            }

            output.Write(CompletionScripts.For(args[0]));
            return 0;
        }

        private static int Reference(string[] args, TextWriter output)
        {
            if (args.Length != 0)
            {
                throw new UsageException("reference takes no options: ./mixup reference > docs/cli.md");
            }

            output.Write(CliReference.Markdown());
            return 0;
        }
    }
}

using System;
using System.IO;
using System.Linq;
using MixupSharp.Tests.Data;
using MixupSharp.Tests.Support;
using Xunit;

namespace MixupSharp.Tests.Interop;

/// <summary>
/// --init-from takes what training scripts save, not only bare state dicts: {"model": ...} or {"state_dict": ...} with
/// optimizer state, an epoch and an argparse.Namespace beside it, and names with DataParallel's "module." prefix. The
/// files are written by Debian's PyTorch from a state dict we exported.
/// </summary>
[Collection(TorchGlobalState.Name)]
public sealed class CheckpointDictImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixupsharp-ckpt-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [RequiresPyTorchFact]
    public void TrainingCheckpointsAndDataParallelNamesLoadAndSayWhatWasUsed()
    {
        Assert.True(RequiresPyTorchFactAttribute.PyTorchIsThere(), $"{RequiresPyTorchFactAttribute.Python} cannot import torch: install python3-torch (CI=true requires it)");
        string data = Path.Combine(_dir, "data");
        DataFiles.WriteCifar10(data, perBatch: 8, testCount: 12);
        string[] Train(string run, params string[] more) =>
            new[] { "train", "--dataset", "cifar10", "--data-dir", data, "--model", "fast-resnet", "--batch-size", "16", "--epochs", "1", "--threads", "1", "--out", run }.Concat(more).ToArray();
        string source = Path.Combine(_dir, "source");
        Assert.Equal(0, CliRunner.Run(Train(source)).Code);
        Assert.Equal(0, CliRunner.Run("export", "--run", source, "--format", "pt", "--out", Path.Combine(_dir, "weights.pt")).Code);

        string script = Path.Combine(_dir, "make.py");
        File.WriteAllText(script, """
            import argparse, sys, torch
            d = sys.argv[1]
            sd = torch.load(d + "/weights.pt")
            model = torch.nn.Linear(2, 2)
            opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
            torch.save({"model": sd, "optimizer": opt.state_dict(), "epoch": 3, "args": argparse.Namespace(lr=0.1)}, d + "/timm-style.pt")
            torch.save({"state_dict": {"module." + k: v for k, v in sd.items()}, "epoch": 7}, d + "/ddp.pt")
            torch.save({"epoch": 3, "args": argparse.Namespace(lr=0.1)}, d + "/no-weights.pt")
            """.Replace("\n            ", "\n"));
        var made = ProcessRunner.Run(RequiresPyTorchFactAttribute.Python, $"{script} {_dir}", _dir, TimeSpan.FromMinutes(2));
        Assert.True(made.ExitCode == 0, made.Output);

        var timm = CliRunner.Run(Train(Path.Combine(_dir, "a"), "--init-from", Path.Combine(_dir, "timm-style.pt")));
        Assert.True(timm.Code == 0, timm.Err);
        Assert.Contains($"{Path.Combine(_dir, "timm-style.pt")} is a training checkpoint: using its state dict under 'model' (skipped: args, epoch, optimizer)", timm.Out);

        var ddp = CliRunner.Run(Train(Path.Combine(_dir, "b"), "--init-from", Path.Combine(_dir, "ddp.pt")));
        Assert.True(ddp.Code == 0, ddp.Err);
        Assert.Contains("using its state dict under 'state_dict' (skipped: epoch)", ddp.Out);
        Assert.Contains("dropped the 'module.' prefix of every name", ddp.Out);

        var none = CliRunner.Run(Train(Path.Combine(_dir, "c"), "--init-from", Path.Combine(_dir, "no-weights.pt")));
        CliAssert.OneLineError(none, 1, Path.Combine(_dir, "no-weights.pt") + ": not a PyTorch state dict or safetensors file (");
    }
}

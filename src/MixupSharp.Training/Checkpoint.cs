using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>A checkpoint could not be read: missing, truncated, corrupt, or from another configuration.</summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>Where training stands: enough to continue exactly, from an epoch boundary or from the middle of an epoch.</summary>
public sealed record TrainingState
{
    /// <summary>The 0-based epoch being trained (equal to the number of completed epochs at a boundary).</summary>
    public int Epoch { get; init; }

    /// <summary>The next batch of <see cref="Epoch"/> (0 at a boundary).</summary>
    public long Step { get; init; }

    /// <summary>The sample order of the current epoch when stopped mid-epoch; null at a boundary.</summary>
    public long[]? Order { get; init; }

    /// <summary>Sum of the training losses of the current epoch so far.</summary>
    public double EpochLossSum { get; init; }

    /// <summary>Steps of the current epoch so far.</summary>
    public long EpochSteps { get; init; }

    /// <summary>Images trained on in the current epoch so far (synthetic ones included).</summary>
    public long EpochImages { get; init; }

    /// <summary>Seconds spent training in the current epoch so far.</summary>
    public double EpochSeconds { get; init; }

    /// <summary>Seconds spent training in all completed epochs.</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Images trained on in all completed epochs.</summary>
    public long TrainImages { get; init; }

    /// <summary>The best test error so far, and its 1-based epoch (0: none).</summary>
    public double BestTestError { get; init; } = double.NaN;

    /// <summary>The 1-based epoch of <see cref="BestTestError"/>.</summary>
    public int BestEpoch { get; init; }

    /// <summary>The lowest validation error so far (runs with a validation set; NaN before the first epoch ends).</summary>
    public double BestValidationError { get; init; } = double.NaN;

    /// <summary>The 1-based epoch of <see cref="BestValidationError"/> (0: none).</summary>
    public int BestValidationEpoch { get; init; }

    /// <summary>The epoch after which <c>--early-stop</c> ended the run (0: it did not); such a run has nothing left to train.</summary>
    public int StoppedEarlyAfter { get; init; }

    /// <summary>The state of the data-order generator.</summary>
    public byte[] DataRng { get; init; } = Array.Empty<byte>();

    /// <summary>The state of the augmentation generator.</summary>
    public byte[] AugmentationRng { get; init; } = Array.Empty<byte>();

    /// <summary>The state of TorchSharp's default generator (dropout).</summary>
    public byte[] DefaultRng { get; init; } = Array.Empty<byte>();

    /// <summary>The configuration hash of the run that wrote the checkpoint.</summary>
    public string ConfigHash { get; init; } = string.Empty;
}

/// <summary>
/// Checkpoint files: magic, a JSON header (<see cref="TrainingState"/>), the model and optimizer states, and a SHA-256
/// of everything before it. Written to a temporary file, flushed to disk and renamed over the old one, so a crash or
/// Ctrl-C at any moment leaves the last good checkpoint intact.
/// </summary>
public static class Checkpoint
{
    private static readonly byte[] Magic = "MXSCKPT1"u8.ToArray();

    // NaN is a legal state (no best test error before the first epoch ends), so named literals are allowed.
    private static readonly JsonSerializerOptions StateJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>
    /// Writes a checkpoint atomically; with <paramref name="ema"/>, the weights' moving average as a further block, and
    /// with <paramref name="method"/>, the modules a training method owns (AutoMix's Mix Block and momentum encoder) as the
    /// last one.
    /// </summary>
    public static void Save(string path, nn.Module model, TorchSharp.Modules.OptimizerHelper optimizer, TrainingState state, nn.Module? ema = null, nn.Module? method = null)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            WriteBlock(writer, JsonSerializer.SerializeToUtf8Bytes(state, StateJson));
            using var modelBytes = new MemoryStream();
            model.save(modelBytes);
            WriteBlock(writer, modelBytes.ToArray());
            using var optimizerBytes = new MemoryStream();
            using (var optimizerWriter = new BinaryWriter(optimizerBytes, Encoding.UTF8, leaveOpen: true))
            {
                optimizer.save_state_dict(optimizerWriter);
            }

            WriteBlock(writer, optimizerBytes.ToArray());
            if (ema is not null)
            {
                using var emaBytes = new MemoryStream();
                ema.save(emaBytes);
                WriteBlock(writer, emaBytes.ToArray());
            }

            if (method is not null)
            {
                using var methodBytes = new MemoryStream();
                method.save(methodBytes);
                WriteBlock(writer, methodBytes.ToArray());
            }
        }

        byte[] content = body.ToArray();
        byte[] hash = SHA256.HashData(content);
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        // One writer per run folder, so the temporary file has a fixed name (a stale one from a crash is overwritten).
        string temp = Path.Combine(directory, $".{Path.GetFileName(path)}.tmp");
        try
        {
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(content);
                file.Write(hash);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Reads a checkpoint into <paramref name="model"/> and <paramref name="optimizer"/>, returning the training state.</summary>
    /// <exception cref="CheckpointException">Missing, truncated, not a checkpoint, or its checksum does not match.</exception>
    /// <param name="path">checkpoint.bin.</param>
    /// <param name="model">The model, whose weights are read.</param>
    /// <param name="optimizer">The run's optimizer, whose state is read.</param>
    /// <param name="ema">The run's moving average (<c>--model-ema</c>), read from the block after the optimizer's.</param>
    /// <param name="method">The modules the run's method owns, read from the last block.</param>
    public static TrainingState Load(string path, nn.Module model, TorchSharp.Modules.OptimizerHelper? optimizer, nn.Module? ema = null, nn.Module? method = null)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException($"{path}: no checkpoint here.");
        }

        byte[] all = File.ReadAllBytes(path);
        if (all.Length < Magic.Length + 32 || !all.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new CheckpointException($"{path}: not a MixupSharp checkpoint (bad magic or only {all.Length} bytes).");
        }

        var content = all.AsSpan(0, all.Length - 32);
        var expected = all.AsSpan(all.Length - 32);
        byte[] actual = SHA256.HashData(content);
        if (!actual.AsSpan().SequenceEqual(expected))
        {
            throw new CheckpointException($"{path}: corrupt checkpoint: its SHA-256 is {Convert.ToHexString(actual).ToLowerInvariant()} but it records {Convert.ToHexString(expected).ToLowerInvariant()}. Resume from an earlier copy or start a new run.");
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(all, Magic.Length, content.Length - Magic.Length));
            var state = JsonSerializer.Deserialize<TrainingState>(ReadBlock(reader), StateJson) ?? throw new CheckpointException($"{path}: empty state header.");
            using (var modelStream = new MemoryStream(ReadBlock(reader)))
            {
                model.load(modelStream);
            }

            // Without an optimizer (evaluation, export) its block is skipped: only the weights are wanted.
            byte[] optimizerBlock = ReadBlock(reader);
            if (optimizer is not null)
            {
                using var optimizerReader = new BinaryReader(new MemoryStream(optimizerBlock));
                optimizer.load_state_dict(optimizerReader);
            }

            // The blocks after the optimizer's: the moving average's first (if the run kept one), the method's last (if its
            // method owns modules). Read by position, so either can be asked for without the other.
            var rest = new List<byte[]>();
            while (reader.BaseStream.Position < reader.BaseStream.Length)
            {
                rest.Add(ReadBlock(reader));
            }

            if (ema is not null)
            {
                if (rest.Count == 0)
                {
                    throw new CheckpointException($"{path} holds no moving average of the weights (the run was not trained with --model-ema).");
                }

                using var emaStream = new MemoryStream(rest[0]);
                ema.load(emaStream);
            }

            if (method is not null)
            {
                if (rest.Count == 0 || (ema is not null && rest.Count < 2))
                {
                    throw new CheckpointException($"{path} holds no state of the training method's own modules.");
                }

                using var methodStream = new MemoryStream(rest[^1]);
                method.load(methodStream);
            }

            return state;
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException($"{path}: the checkpoint does not fit this model or optimizer: {e.Message}", e);
        }
    }

    /// <summary>
    /// <paramref name="state"/> with the states of the run's generators (data order, augmentation, and TorchSharp's
    /// default one, which dropout draws from), so a resumed run continues every random stream exactly.
    /// </summary>
    public static TrainingState WithGenerators(TrainingState state, Generator data, Generator augmentation) =>
        state with { DataRng = GeneratorState(data), AugmentationRng = GeneratorState(augmentation), DefaultRng = GeneratorState(torch.Generator.Default) };

    /// <summary>Puts the generators back where <paramref name="state"/> recorded them (a state without them leaves them as they are).</summary>
    public static void RestoreGenerators(TrainingState state, Generator data, Generator augmentation)
    {
        SetGeneratorState(data, state.DataRng);
        SetGeneratorState(augmentation, state.AugmentationRng);
        SetGeneratorState(torch.Generator.Default, state.DefaultRng);
    }

    private static byte[] GeneratorState(Generator generator)
    {
        using var s = generator.get_state();
        return s.bytes.ToArray();
    }

    private static void SetGeneratorState(Generator generator, byte[] state)
    {
        if (state.Length == 0)
        {
            return;
        }

        using var current = generator.get_state();
        using var restored = torch.empty(current.shape, dtype: current.dtype);
        restored.bytes = state;
        generator.set_state(restored);
    }

    private static void WriteBlock(BinaryWriter writer, byte[] data)
    {
        writer.Write((long)data.Length);
        writer.Write(data);
    }

    private static byte[] ReadBlock(BinaryReader reader)
    {
        long length = reader.ReadInt64();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new CheckpointException($"a block claims {length} bytes but only {reader.BaseStream.Length - reader.BaseStream.Position} remain.");
        }

        return reader.ReadBytes((int)length);
    }
}

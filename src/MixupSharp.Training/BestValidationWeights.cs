using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using MixupSharp.Training.Runs;
using static TorchSharp.torch;

namespace MixupSharp.Training;

/// <summary>
/// best-validation.bin: the weights of the epoch with the lowest validation error. Magic, the 1-based epoch, the model's
/// state, and a SHA-256 of everything before it, written atomically like checkpoint.bin. Files written before this format
/// (the model's state alone) still load; every failure names the file.
/// </summary>
public static class BestValidationWeights
{
    private static readonly byte[] Magic = "MXSBEST1"u8.ToArray();

    /// <summary>Writes the weights of <paramref name="epoch"/> atomically.</summary>
    public static void Save(string path, nn.Module model, int epoch)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(epoch);
            using var modelBytes = new MemoryStream();   // model.save closes the stream it writes
            model.save(modelBytes);
            writer.Write(modelBytes.ToArray());
        }

        body.Write(SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length)));
        AtomicFile.WriteAllBytes(path, body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    /// <summary>
    /// Reads the weights into <paramref name="model"/> and returns their epoch (null for a file of the older format,
    /// which records none).
    /// </summary>
    /// <exception cref="CheckpointException">Missing, truncated, corrupt, or not this model's weights; the message names the file.</exception>
    public static int? Load(string path, nn.Module model)
    {
        if (!File.Exists(path))
        {
            throw new CheckpointException($"{path} is missing.");
        }

        byte[] all = File.ReadAllBytes(path);
        bool framed = all.Length >= Magic.Length && all.AsSpan(0, Magic.Length).SequenceEqual(Magic);
        int? epoch = null;
        int start = 0, length = all.Length;
        if (framed)
        {
            if (all.Length < Magic.Length + sizeof(int) + 32)
            {
                throw new CheckpointException($"{path} is truncated ({all.Length} bytes).");
            }

            var content = all.AsSpan(0, all.Length - 32);
            if (!SHA256.HashData(content).AsSpan().SequenceEqual(all.AsSpan(all.Length - 32)))
            {
                throw new CheckpointException($"{path} is corrupt: its SHA-256 does not match the one it records.");
            }

            epoch = BitConverter.ToInt32(all, Magic.Length);
            start = Magic.Length + sizeof(int);
            length = content.Length - start;
        }

        try
        {
            using var stream = new MemoryStream(all, start, length);
            model.load(stream);
            return epoch;
        }
        catch (Exception e) when (e is not CheckpointException)
        {
            throw new CheckpointException($"{path} does not hold this run's best-validation weights ({ErrorLine(e)}).", e);
        }
    }

    private static string ErrorLine(Exception e) => e.Message.Split('\n')[0].Trim();
}

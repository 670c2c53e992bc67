using System;
using System.IO;
using System.Text;

namespace MixupSharp.Training.Reports;

/// <summary>
/// Writes TensorBoard event files (<c>events.out.tfevents.*</c>) of scalar summaries, so `tensorboard --logdir runs`
/// shows a run's curves. The format is TFRecord framing (length, masked CRC32C of the length, the record, masked
/// CRC32C of the record) around <c>tensorflow.Event</c> protocol buffers, encoded here by hand.
/// </summary>
public sealed class TensorBoardWriter : IDisposable
{
    private readonly FileStream _file;

    /// <summary>Creates a new event file in <paramref name="directory"/> and writes its version record.</summary>
    public TensorBoardWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        FilePath = Path.Combine(directory, $"events.out.tfevents.{now}.{Environment.MachineName}.mixupsharp");
        _file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
        WriteRecord(Event(now, 0, Encoding.UTF8.GetBytes("brain.Event:2"), null));
        _file.Flush();
    }

    /// <summary>The event file written.</summary>
    public string FilePath { get; }

    /// <summary>Adds one scalar value of series <paramref name="tag"/> at <paramref name="step"/>.</summary>
    public void AddScalar(string tag, double value, long step)
    {
        var summaryValue = new ProtoWriter().Bytes(1, Encoding.UTF8.GetBytes(tag)).Float(2, (float)value).ToArray();
        var summary = new ProtoWriter().Bytes(1, summaryValue).ToArray();
        WriteRecord(Event(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, step, null, summary));
    }

    /// <summary>Flushes written records to disk.</summary>
    public void Flush() => _file.Flush(flushToDisk: true);

    /// <inheritdoc />
    public void Dispose()
    {
        _file.Flush();
        _file.Dispose();
    }

    /// <summary>An <c>Event</c>: wall_time (1, double), step (2, int64), file_version (3, string) or summary (5, message).</summary>
    internal static byte[] Event(double wallTime, long step, byte[]? fileVersion, byte[]? summary)
    {
        var w = new ProtoWriter().Double(1, wallTime).Varint(2, (ulong)step);
        if (fileVersion is not null)
        {
            w.Bytes(3, fileVersion);
        }

        if (summary is not null)
        {
            w.Bytes(5, summary);
        }

        return w.ToArray();
    }

    private void WriteRecord(byte[] data)
    {
        var length = BitConverter.GetBytes((ulong)data.Length);
        _file.Write(length);
        _file.Write(BitConverter.GetBytes(MaskedCrc(length)));
        _file.Write(data);
        _file.Write(BitConverter.GetBytes(MaskedCrc(data)));
    }

    /// <summary>TFRecord's masked CRC: rotate the CRC32C right by 15 bits and add 0xa282ead8.</summary>
    internal static uint MaskedCrc(byte[] data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8;
    }

    /// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78).</summary>
    internal static uint Crc32C(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>A minimal protocol-buffer encoder for the few field types events need.</summary>
    private sealed class ProtoWriter
    {
        private readonly MemoryStream _stream = new();

        public ProtoWriter Double(int field, double value)
        {
            Tag(field, 1);
            _stream.Write(BitConverter.GetBytes(value));
            return this;
        }

        public ProtoWriter Float(int field, float value)
        {
            Tag(field, 5);
            _stream.Write(BitConverter.GetBytes(value));
            return this;
        }

        public ProtoWriter Varint(int field, ulong value)
        {
            Tag(field, 0);
            WriteVarint(value);
            return this;
        }

        public ProtoWriter Bytes(int field, byte[] value)
        {
            Tag(field, 2);
            WriteVarint((ulong)value.Length);
            _stream.Write(value);
            return this;
        }

        public byte[] ToArray() => _stream.ToArray();

        private void Tag(int field, int wireType) => WriteVarint((ulong)((field << 3) | wireType));

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _stream.WriteByte((byte)(value | 0x80));
                value >>= 7;
            }

            _stream.WriteByte((byte)value);
        }
    }
}

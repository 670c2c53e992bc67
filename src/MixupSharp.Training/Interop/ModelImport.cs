using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MixupSharp.Training.Models;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MixupSharp.Training.Interop;

/// <summary>
/// Reads PyTorch-written weights (a <c>.pt</c> state dict or <c>.safetensors</c>, with the PyTorch-style names of
/// <see cref="ModelExport"/>) into one of our models, checking every name and shape first.
/// </summary>
public static class ModelImport
{
    /// <summary>The tensors of a state-dict file by name; an <see cref="ArgumentException"/> names a file that is not one.</summary>
    public static Dictionary<string, Tensor> Read(string path, Action<string>? note = null)
    {
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{path} is a folder, not a weights file.");
        }

        if (!File.Exists(path))
        {
            throw new ArgumentException($"{path}: no such file.");
        }

        // The format is told by the content, not the name: a safetensors file named .pt (or the reverse) still loads.
        var format = WeightsFormat.Sniff(path);
        try
        {
            if (format == WeightsFormat.Kind.Safetensors)
            {
                WeightsFormat.CheckSafetensorsHeader(path);
                return Safetensors.LoadStateDict(path);
            }

            if (format != WeightsFormat.Kind.PyTorchZip)
            {
                throw new InvalidDataException(WeightsFormat.Describe(path));
            }

            var loaded = PyTorchUnpickler.UnpickleStateDict(path);
            var state = StateDictIn(loaded, note, path);
            return state;
        }
        catch (Exception e)
        {
            throw new ArgumentException($"{path}: not a PyTorch state dict or safetensors file ({WeightsFormat.Explain(e)}).", e);
        }
    }


    /// <summary>
    /// Copies the file's tensors into <paramref name="model"/>. Every tensor of the model must be in the file with its
    /// shape, and the file may hold nothing else; otherwise an <see cref="ArgumentException"/> names the first
    /// mismatching tensor and both shapes, and the model is left as it was. With <paramref name="skip"/>, tensors whose
    /// PyTorch-style names it accepts are left out (a classifier head for another class count).
    /// </summary>
    /// <returns>The names of the tensors left out.</returns>
    public static IReadOnlyList<string> Load(StagedModel model, string path, Func<string, bool>? skip = null, Action<string>? note = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var ours = ModelExport.StateDict(model);
        var file = model.FromOtherConventions(Read(path, note), ours.ToDictionary(kv => kv.Key, kv => kv.Value.shape), note);
        var skipped = new List<string>();
        foreach (var (name, tensor) in ours)
        {
            if (!file.TryGetValue(name, out var loaded))
            {
                throw new ArgumentException($"{path} has no tensor '{name}' that the model needs (it holds {file.Count} tensors).");
            }

            if (!loaded.shape.SequenceEqual(tensor.shape))
            {
                // Only a difference in the first (output) dimension can be skipped: a classifier for another class count.
                bool outputsOnly = loaded.shape.Length == tensor.shape.Length && loaded.shape.Skip(1).SequenceEqual(tensor.shape.Skip(1));
                if (outputsOnly && skip?.Invoke(name) == true)
                {
                    skipped.Add(name);
                    continue;
                }

                throw new ArgumentException($"{path}: '{name}' is [{string.Join(", ", loaded.shape)}] in the file but [{string.Join(", ", tensor.shape)}] in the model.");
            }
        }

        var converted = new List<string>();
        foreach (var (name, tensor) in ours.Where(kv => !skipped.Contains(kv.Key)))
        {
            var loaded = file[name];
            bool weight = torch.is_floating_point(tensor);
            if (weight != torch.is_floating_point(loaded) || loaded.is_complex())
            {
                // A cast would turn class ids, masks or complex values into weights silently: refuse, naming the tensor.
                throw new ArgumentException($"{path}: '{name}' is {DTypeName(loaded.dtype)} in the file, but the model's is {DTypeName(tensor.dtype)}; {(weight ? "weights must be floating point" : "it must be an integer count")}.");
            }

            if (weight && !torch.isfinite(loaded).all().item<bool>())
            {
                throw new ArgumentException($"{path}: '{name}' holds NaN or infinite values; weights must be finite.");
            }

            if (loaded.dtype != tensor.dtype)
            {
                converted.Add($"{name} ({DTypeName(loaded.dtype)})");
            }
        }

        if (converted.Count > 0)
        {
            note?.Invoke($"converted {converted.Count} tensors of {path} to {DTypeName(ours.Values.First(torch.is_floating_point).dtype)}: {string.Join(", ", converted.Take(5))}{(converted.Count > 5 ? ", ..." : string.Empty)}");
        }

        var extra = file.Keys.Except(ours.Keys).ToList();
        if (extra.Count > 0)
        {
            throw new ArgumentException($"{path} holds '{extra[0]}', which the model does not have ({extra.Count} such tensors).");
        }

        using (torch.no_grad())
        {
            foreach (var (name, tensor) in ours)
            {
                if (!skipped.Contains(name))
                {
                    tensor.copy_(file[name]);
                }
            }
        }

        foreach (var t in file.Values)
        {
            t.Dispose();
        }

        return skipped;
    }

    /// <summary>A dtype as PyTorch names it (float32, int64, complex64, bool).</summary>
    private static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Int64 => "int64",
        ScalarType.Int32 => "int32",
        ScalarType.Int16 => "int16",
        ScalarType.Int8 => "int8",
        ScalarType.Byte => "uint8",
        ScalarType.Bool => "bool",
        ScalarType.ComplexFloat32 => "complex64",
        ScalarType.ComplexFloat64 => "complex128",
        _ => dtype.ToString().ToLowerInvariant(),
    };

    // Where training scripts keep the weights inside a checkpoint dict, in the order they are looked for.
    private static readonly string[] CheckpointKeys = { "state_dict", "model", "model_state_dict", "module", "model_ema" };

    /// <summary>
    /// The state dict in what <c>torch.load</c> would give: the dict itself when its values are tensors, or, in a training
    /// checkpoint ({"model": ..., "optimizer": ..., "epoch": 3, "args": Namespace(...)}), the dict under the first of
    /// <see cref="CheckpointKeys"/> that holds tensors, its other entries skipped. A "module." prefix on every name (a
    /// model saved from DataParallel/DDP) is dropped. <paramref name="note"/> hears which key was used and what was skipped.
    /// </summary>
    private static Dictionary<string, Tensor> StateDictIn(Hashtable loaded, Action<string>? note, string path)
    {
        var entries = loaded.Cast<DictionaryEntry>().ToList();
        if (entries.Any(e => e.Key is not string))
        {
            throw new InvalidDataException($"it holds a key of type {entries.First(e => e.Key is not string).Key?.GetType().Name ?? "null"}; a state dict maps names to tensors");
        }

        Hashtable source = loaded;
        if (!entries.All(e => e.Value is Tensor))
        {
            string? key = CheckpointKeys.FirstOrDefault(k => loaded[k] is Hashtable inner && inner.Count > 0 && inner.Values.Cast<object>().All(v => v is Tensor));
            if (key is null)
            {
                var odd = entries.First(e => e.Value is not Tensor);
                throw new InvalidDataException($"'{odd.Key}' is not a tensor ({odd.Value?.GetType().Name ?? "None"}), and no entry {string.Join(", ", CheckpointKeys.Select(k => $"'{k}'"))} holds a state dict");
            }

            source = (Hashtable)loaded[key]!;
            var skipped = entries.Where(e => (string)e.Key != key).Select(e => (string)e.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
            note?.Invoke($"{path} is a training checkpoint: using its state dict under '{key}'{(skipped.Count == 0 ? string.Empty : $" (skipped: {string.Join(", ", skipped)})")}");
        }

        var state = source.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (Tensor)e.Value!);
        if (state.Count > 0 && state.Keys.All(k => k.StartsWith("module.", StringComparison.Ordinal)))
        {
            note?.Invoke($"{path}: dropped the 'module.' prefix of every name (a model saved from DataParallel)");
            state = state.ToDictionary(kv => kv.Key["module.".Length..], kv => kv.Value);
        }

        return state;
    }
}

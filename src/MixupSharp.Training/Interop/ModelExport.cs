using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using MixupSharp.Training.Models;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace MixupSharp.Training.Interop;

/// <summary>The file formats a trained model is exported to.</summary>
public enum ExportFormat
{
    /// <summary>safetensors (Hugging Face's format): a JSON header and raw tensors, readable without pickle.</summary>
    Safetensors,

    /// <summary>A PyTorch state dict (<c>torch.save(model.state_dict())</c>), loadable with <c>torch.load</c>.</summary>
    Pt,

    /// <summary>An ONNX model (<see cref="Onnx.OnnxExport"/>): the graph, its weights, the normalization and the class names.</summary>
    Onnx,
}

/// <summary>
/// Writes a model's weights in PyTorch's formats (through TorchSharp.PyBridge) with PyTorch-style names: our modules'
/// private fields (<c>_bn1</c>) appear as PyTorch attributes would (<c>bn1</c>), e.g. <c>stage1.0.bn1.weight</c>, the
/// names of the equivalent modules in <c>interop/mixupsharp_models.py</c>. The file is written beside its destination
/// and renamed over it, so a failed export never leaves half a file.
/// </summary>
public static class ModelExport
{
    /// <summary>The file extension of <paramref name="format"/> (".safetensors" or ".pt").</summary>
    public static string Extension(ExportFormat format) => format switch
    {
        ExportFormat.Pt => ".pt",
        ExportFormat.Onnx => ".onnx",
        _ => ".safetensors",
    };

    /// <summary>Writes <paramref name="model"/>'s state dict to <paramref name="path"/> in <paramref name="format"/> (.pt or safetensors; ONNX is <see cref="Onnx.OnnxExport"/>'s).</summary>
    public static void Save(StagedModel model, ExportFormat format, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (format == ExportFormat.Onnx)
        {
            throw new ArgumentException("an ONNX export needs the image size, normalization and class names: use OnnxExport.Save.", nameof(format));
        }

        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{path} is a folder; give the path of the file to write.");
        }

        string temp = path + ".partial";
        try
        {
            var state = StateDict(model);
            if (format == ExportFormat.Pt)
            {
                PyTorchPickler.PickleStateDict(temp, state);
            }
            else
            {
                Safetensors.SaveStateDict(temp, state);
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

    /// <summary>The PyTorch-style name of one of our state-dict keys: each path part without its leading underscores.</summary>
    public static string PyTorchName(string key) => string.Join('.', key.Split('.').Select(part => part.TrimStart('_')));

    /// <summary>
    /// The model's parameters and buffers by PyTorch-style name (the tensors themselves, not copies): for the
    /// torchvision-compatible models, the names of torchvision's model (<c>layer1.0.conv1.weight</c>).
    /// </summary>
    public static Dictionary<string, Tensor> StateDict(StagedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.state_dict().ToDictionary(kv => model.PublishedName(PyTorchName(kv.Key)), kv => kv.Value);
    }

    /// <summary>The published names of the classifier head's tensors (the last stage's).</summary>
    public static IReadOnlySet<string> HeadNames(StagedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string last = $"stage{model.MixablePoints - 1}.";
        return model.state_dict().Keys.Select(PyTorchName).Where(k => k.StartsWith(last, StringComparison.Ordinal)).Select(model.PublishedName).ToHashSet();
    }
}

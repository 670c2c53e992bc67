using System;
using System.IO;
using MixupSharp.Training.Models;
using TorchSharp.PyBridge;

namespace MixupSharp.Training.Interop;

/// <summary>The file formats a trained model is exported to.</summary>
public enum ExportFormat
{
    /// <summary>safetensors (Hugging Face's format): a JSON header and raw tensors, readable without pickle.</summary>
    Safetensors,

    /// <summary>A PyTorch state dict (<c>torch.save(model.state_dict())</c>), loadable with <c>torch.load</c>.</summary>
    Pt,
}

/// <summary>
/// Writes a model's weights in PyTorch's formats (through TorchSharp.PyBridge), named as the module's parameters and
/// buffers are (e.g. <c>stage0.0.weight</c>). The file is written beside its destination and renamed over it, so a
/// failed export never leaves half a file.
/// </summary>
public static class ModelExport
{
    /// <summary>The file extension of <paramref name="format"/> (".safetensors" or ".pt").</summary>
    public static string Extension(ExportFormat format) => format == ExportFormat.Pt ? ".pt" : ".safetensors";

    /// <summary>Writes <paramref name="model"/>'s state dict to <paramref name="path"/> in <paramref name="format"/>.</summary>
    public static void Save(StagedModel model, ExportFormat format, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            throw new ArgumentException($"{path} is a folder; give the path of the file to write.");
        }

        string temp = path + ".partial";
        try
        {
            if (format == ExportFormat.Pt)
            {
                model.save_py(temp);
            }
            else
            {
                model.save_safetensors(temp);
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
}

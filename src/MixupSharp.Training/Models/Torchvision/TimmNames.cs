using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using static TorchSharp.torch;

namespace MixupSharp.Training.Models;

/// <summary>
/// timm's names for a ViT/DeiT state dict (<c>cls_token</c>, <c>pos_embed</c>, <c>patch_embed.proj</c>,
/// <c>blocks.N.attn.qkv</c>, <c>norm</c>, <c>head</c>) mapped to torchvision's. timm's fused <c>qkv</c> holds the
/// query, key and value rows in the order of torch's <c>in_proj_weight</c>, so the tensors move unchanged.
/// </summary>
internal static partial class TimmNames
{
    private static readonly (string Timm, string Torchvision)[] Fixed =
    {
        ("cls_token", "class_token"),
        ("pos_embed", "encoder.pos_embedding"),
        ("patch_embed.proj.weight", "conv_proj.weight"),
        ("patch_embed.proj.bias", "conv_proj.bias"),
        ("norm.weight", "encoder.ln.weight"),
        ("norm.bias", "encoder.ln.bias"),
        ("head.weight", "heads.head.weight"),
        ("head.bias", "heads.head.bias"),
    };

    private static readonly (string Timm, string Torchvision)[] InBlock =
    {
        ("norm1.", "ln_1."),
        ("attn.qkv.weight", "self_attention.in_proj_weight"),
        ("attn.qkv.bias", "self_attention.in_proj_bias"),
        ("attn.proj.", "self_attention.out_proj."),
        ("norm2.", "ln_2."),
        ("mlp.fc1.", "mlp.0."),
        ("mlp.fc2.", "mlp.3."),
    };

    /// <summary>Whether the state dict is in timm's names (it has <c>cls_token</c> or <c>pos_embed</c>).</summary>
    public static bool AreTimms(IReadOnlyDictionary<string, Tensor> file) => file.ContainsKey("cls_token") || file.ContainsKey("pos_embed");

    /// <summary>The same tensors under torchvision's names; a name that has none is kept, so the import names it as extra.</summary>
    public static Dictionary<string, Tensor> ToTorchvision(Dictionary<string, Tensor> file) => file.ToDictionary(kv => Rename(kv.Key), kv => kv.Value);

    private static string Rename(string name)
    {
        foreach (var (timm, torchvision) in Fixed)
        {
            if (name == timm)
            {
                return torchvision;
            }
        }

        var block = BlockName().Match(name);
        if (block.Success)
        {
            string rest = block.Groups[2].Value;
            foreach (var (timm, torchvision) in InBlock)
            {
                if (rest.StartsWith(timm, StringComparison.Ordinal))
                {
                    return $"encoder.layers.encoder_layer_{block.Groups[1].Value}.{torchvision}{rest[timm.Length..]}";
                }
            }
        }

        return name;
    }

    [GeneratedRegex(@"^blocks\.(\d+)\.(.+)$")]
    private static partial Regex BlockName();
}

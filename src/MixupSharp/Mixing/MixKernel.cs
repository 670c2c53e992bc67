using System;
using System.Linq;
using MixupSharp.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Mixing;

/// <summary>What the parameters ask of one batch: each row's λ, which rows blend linearly, whether any row blends or pastes.</summary>
internal sealed record ApplyPlan(double[] Lambda, bool[] LinearRows, bool AnyLinear, bool AnyBox);

/// <summary>The pure mixing kernel: whole-batch tensor ops on the inputs' device, no randomness, no checks.</summary>
internal static class MixKernel
{
    public static Tensor BlendLinear(Tensor inputs, Tensor partner, ApplyPlan plan)
    {
        // Half-precision inputs are blended in float32 and rounded once, so λ keeps its precision.
        var computeType = inputs.dtype is ScalarType.Float16 or ScalarType.BFloat16 ? ScalarType.Float32 : inputs.dtype;
        var shape = new long[inputs.shape.Length];
        Array.Fill(shape, 1L);
        shape[0] = inputs.shape[0];
        var x = inputs.to_type(computeType);
        var lam = torch.tensor(plan.Lambda, dtype: ScalarType.Float64).to(inputs.device).to_type(computeType).reshape(shape);
        var blended = ((x * lam) + (x.index_select(0, partner) * (1.0 - lam))).to_type(inputs.dtype);

        // Samples that are not blended (λ = 1, or pasted by CutMix) keep their exact bytes (x·1 + y·0 can turn −0 into +0).
        if (plan.LinearRows.All(r => r))
        {
            return blended;
        }

        var rows = torch.tensor(plan.LinearRows, dtype: ScalarType.Bool).to(inputs.device).reshape(shape);
        return torch.where(rows, blended, inputs);
    }

    /// <summary>Pastes each sample's box from its partner: where(inside box, original[partner], current). Any dtype, [N, C, H, W].</summary>
    public static Tensor PasteBoxes(Tensor current, Tensor original, Tensor partner, Tensor boxes, Device device)
    {
        long h = original.shape[2], w = original.shape[3];
        var b = boxes.to(device).to_type(ScalarType.Int64);
        var top = b[.., 0].reshape(-1, 1, 1, 1);
        var left = b[.., 1].reshape(-1, 1, 1, 1);
        var bottom = b[.., 2].reshape(-1, 1, 1, 1);
        var right = b[.., 3].reshape(-1, 1, 1, 1);
        var rows = torch.arange(h, dtype: ScalarType.Int64, device: device).reshape(1, 1, h, 1);
        var cols = torch.arange(w, dtype: ScalarType.Int64, device: device).reshape(1, 1, 1, w);
        var inside = (rows >= top) & (rows < bottom) & (cols >= left) & (cols < right);
        return torch.where(inside, original.index_select(0, partner), current);
    }
}

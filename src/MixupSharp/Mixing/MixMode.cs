namespace MixupSharp.Mixing;

/// <summary>
/// How mixing parameters (λ, the gate, the CutMix box, the Mixup/CutMix switch) are shared across a batch.
/// Partners always come from one <c>randperm</c> drawn from the generator.
/// </summary>
public enum MixMode
{
    /// <summary>One draw for the whole batch; sample <c>i</c> is mixed with <c>perm[i]</c>.</summary>
    PerBatch,

    /// <summary>
    /// Consecutive entries of the permutation form pairs that are each other's partner
    /// (<c>partner(partner(i)) == i</c>); both members share one draw and, for CutMix, swap the same box
    /// (timm's pair mode). With an odd batch the leftover sample is its own partner and gets λ = 1.
    /// </summary>
    PerPair,

    /// <summary>Sample <c>i</c> is mixed with <c>perm[i]</c> with an independent draw per sample.</summary>
    PerSample,
}

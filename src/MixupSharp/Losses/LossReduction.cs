namespace MixupSharp.Losses;

/// <summary>How a per-sample loss is reduced over the batch.</summary>
public enum LossReduction
{
    /// <summary>The mean over the batch (and over positions, for dense predictions).</summary>
    Mean,

    /// <summary>The sum over the batch.</summary>
    Sum,

    /// <summary>One loss per sample (per position, for dense predictions).</summary>
    None,
}

namespace MixupSharp.Training.Methods;

/// <summary>Empirical risk minimization: the dataset's crop/flip and nothing else.</summary>
public sealed class ErmMethod : TrainingMethod
{
    /// <inheritdoc />
    public override string Name => "erm";

    /// <inheritdoc />
    public override string Description => "Empirical risk minimization: the dataset's crop/flip and nothing else";
}

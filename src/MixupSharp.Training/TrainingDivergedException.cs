using System;

namespace MixupSharp.Training;

/// <summary>The training run stopped because the loss stopped being finite; the last good checkpoint is kept.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message)
        : base(message)
    {
    }
}

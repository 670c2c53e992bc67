namespace MixupSharp.Training;

/// <summary>How a run ended.</summary>
public enum RunOutcome
{
    /// <summary>All epochs ran.</summary>
    Completed,

    /// <summary>Stopped on request after saving a checkpoint at the current step.</summary>
    Interrupted,
}

using System.Text.Json.Serialization;

namespace MixupSharp.Training.Options;

/// <summary>The optimizer of a run (<c>--optimizer</c>).</summary>
public enum OptimizerKind
{
    /// <summary>SGD with momentum (and Nesterov with <c>--nesterov</c>); weight decay added to the gradient (L2).</summary>
    Sgd,

    /// <summary>AdamW (Loshchilov and Hutter, ICLR 2019): Adam with weight decay decoupled from the gradient.</summary>
    [JsonStringEnumMemberName("adamw")]
    AdamW,
}

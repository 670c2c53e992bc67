using System;
using System.Collections.Generic;
using System.Linq;

namespace MixupSharp.Pipelines;

/// <summary>
/// What one pipeline step drew: its typed parameters (<see cref="Values"/>, e.g. a
/// <see cref="Masking.MaskParameters"/>), whether a random-apply step fired, which branch a random choice took, and
/// the records of nested steps. Owns <see cref="Values"/> and the children.
/// </summary>
public sealed class StepParameters : IDisposable
{
    /// <summary>Creates a record.</summary>
    /// <param name="step">The step's name.</param>
    /// <param name="values">The op's typed parameters, or null for deterministic steps and combinators.</param>
    /// <param name="applied">Whether the step ran (false only for a random-apply step that did not fire).</param>
    /// <param name="choice">The branch a random choice took, or −1.</param>
    /// <param name="children">Records of nested steps.</param>
    public StepParameters(string step, IDisposable? values = null, bool applied = true, int choice = -1, IReadOnlyList<StepParameters>? children = null)
    {
        Step = step ?? throw new ArgumentNullException(nameof(step));
        Values = values;
        Applied = applied;
        Choice = choice;
        Children = children ?? Array.Empty<StepParameters>();
    }

    /// <summary>The step's name, e.g. "RandomCrop".</summary>
    public string Step { get; }

    /// <summary>The op's typed parameters (cast to the op's parameter type), or null.</summary>
    public IDisposable? Values { get; }

    /// <summary>Whether the step ran.</summary>
    public bool Applied { get; }

    /// <summary>The branch a random choice took, or −1.</summary>
    public int Choice { get; }

    /// <summary>Records of nested steps (a sequence's steps, the chosen branch, the wrapped step).</summary>
    public IReadOnlyList<StepParameters> Children { get; }

    /// <summary>All records in this subtree, depth first.</summary>
    public IEnumerable<StepParameters> Flatten() => new[] { this }.Concat(Children.SelectMany(c => c.Flatten()));

    /// <inheritdoc />
    public void Dispose()
    {
        Values?.Dispose();
        foreach (var child in Children)
        {
            child.Dispose();
        }
    }
}

using Xunit;

namespace MixupSharp.Tests.Support;

/// <summary>
/// Tests that touch TorchSharp's process-wide state (the default generator, thread count, dispose-scope statistics)
/// or run heavy child processes run in this collection, one at a time, so CI is not flaky.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalState
{
    public const string Name = "TorchSharp global state";
}

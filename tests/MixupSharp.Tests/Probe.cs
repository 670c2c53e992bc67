using TorchSharp;
using Xunit;
public class Probe { [Fact] public void Loads() { using var t = torch.ones(3); Assert.Equal(3, t.sum().item<float>()); } }

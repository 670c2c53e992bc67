// A tour of MixupSharp's mixing core: mixes a small seeded batch with Mixup, CutMix and MixupOrCutMix, prints
// λ, partners, boxes and soft targets, then trains a tiny linear classifier for a few steps with Mixup and
// SoftTargetCrossEntropy to show the loop.
using System;
using System.Globalization;
using System.Linq;
using MixupSharp.Losses;
using MixupSharp.Mixing;
using TorchSharp;
using static TorchSharp.torch;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
const int numClasses = 4;
const long seed = 2018;
Console.WriteLine($"MixupSharp sample: TorchSharp on {(cuda.is_available() ? "CUDA" : "CPU")}, {get_num_threads()} threads, seed {seed}");

using var generator = new Generator(seed);
using var images = rand(new long[] { 6, 3, 8, 8 }, generator: generator);
using var labels = tensor(new long[] { 0, 1, 2, 3, 0, 1 });

Show("Mixup (alpha 1, per batch)", new Mixup(numClasses).Apply(images, labels, generator));
Show("Mixup (alpha 0.4, per sample, label smoothing 0.1)", new Mixup(numClasses, new MixupOptions { Alpha = 0.4, Mode = MixMode.PerSample, LabelSmoothing = 0.1 }).Apply(images, labels, generator));
Show("CutMix (alpha 1, per pair)", new CutMix(numClasses, new CutMixOptions { Mode = MixMode.PerPair }).Apply(images, labels, generator));
Show("MixupOrCutMix (per sample, switch 0.5)", new MixupOrCutMix(numClasses, new MixupOrCutMixOptions { Mode = MixMode.PerSample }).Apply(images, labels, generator));

// A few training steps on a toy problem: logits go straight into the loss (no softmax before it).
Console.WriteLine("\nTraining a linear classifier on 4 Gaussian blobs with Mixup + SoftTargetCrossEntropy:");
var model = nn.Linear(2, numClasses);
var optimizer = optim.SGD(model.parameters(), 0.5);
var loss = new SoftTargetCrossEntropy();
var mixup = new Mixup(numClasses, new MixupOptions { Alpha = 0.2 });
using var centres = tensor(new float[] { 2, 2, -2, 2, -2, -2, 2, -2 }).reshape(4, 2);
for (int step = 1; step <= 60; step++)
{
    using var scope = NewDisposeScope();
    var y = randint(numClasses, new long[] { 64 }, generator: generator);
    var x = centres.index_select(0, y) + (0.7 * randn(new long[] { 64, 2 }, generator: generator));
    using var batch = mixup.Apply(x, y, generator);
    optimizer.zero_grad();
    var value = loss.call(model.call(batch.Inputs), batch.Targets);
    value.backward();
    optimizer.step();
    if (step % 20 == 0)
    {
        var clean = (model.call(x).argmax(1) == y).to_type(ScalarType.Float32).mean().item<float>();
        Console.WriteLine($"  step {step,3}: mixed-target loss {value.item<float>():F4}, clean accuracy {clean:P1}");
    }
}

static void Show(string title, MixedBatch batch)
{
    using (batch)
    {
        var p = batch.Parameters;
        Console.WriteLine($"\n{title}");
        Console.WriteLine($"  lambda:   [{string.Join(", ", p.LambdaValues().Select(l => l.ToString("F3")))}]");
        Console.WriteLine($"  partners: [{string.Join(", ", p.PartnerValues())}]");
        if (p.Boxes is { } boxes)
        {
            var b = boxes.data<long>().ToArray();
            Console.WriteLine("  boxes (top, left, bottom, right): " + string.Join(" ", Enumerable.Range(0, b.Length / 4).Select(i => $"({b[4 * i]},{b[(4 * i) + 1]},{b[(4 * i) + 2]},{b[(4 * i) + 3]})")));
        }

        if (p.UsesCutMix is { } uses)
        {
            Console.WriteLine($"  uses CutMix: [{string.Join(", ", uses.data<bool>().ToArray())}]");
        }

        var t = batch.Targets.data<float>().ToArray();
        for (int i = 0; i < batch.Targets.shape[0]; i++)
        {
            Console.WriteLine($"  target {i}: [{string.Join(", ", t.Skip(i * numClasses).Take(numClasses).Select(v => v.ToString("F3")))}]");
        }
    }
}

// Times a batch's flip, normalization and conversion to floats (64 RGB images at 224 px, 38.5 MB of floats) on one
// torch thread: the median of 10 after 2 untimed. Each op allocates a fresh batch-sized tensor, as the trainer's do.
using System;
using System.Diagnostics;
using System.Linq;
using MixupSharp.Distortion;
using TorchSharp;
using static TorchSharp.torch;

torch.set_num_threads(1);
using var generator = new Generator(1);
using var bytes = torch.randint(0, 255, new long[] { 64, 3, 224, 224 }, dtype: ScalarType.Byte, generator: generator);
using var images = torch.rand(new long[] { 64, 3, 224, 224 }, generator: generator);
var flip = new RandomHorizontalFlip();
var normalize = new Normalize(new[] { 0.485, 0.456, 0.406 }, new[] { 0.229, 0.224, 0.225 });
Time("flip", () => flip.Apply(images, generator).Dispose());
Time("normalize", () => normalize.Transform(images).Dispose());
Time("to-float", () => bytes.to_type(ScalarType.Float32).div_(255f).Dispose());

static void Time(string name, Action op)
{
    var ms = new double[12];
    for (int i = 0; i < ms.Length; i++)
    {
        var clock = Stopwatch.StartNew();
        op();
        ms[i] = clock.Elapsed.TotalMilliseconds;
    }

    var timed = ms.Skip(2).OrderBy(v => v).ToArray();
    Console.WriteLine($"{name}: median {timed[timed.Length / 2]:F1} ms (min {timed[0]:F1}, max {timed[^1]:F1})");
}

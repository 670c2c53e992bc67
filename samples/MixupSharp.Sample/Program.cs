// A tour of MixupSharp's mixing core: mixes a small seeded batch with Mixup, CutMix and MixupOrCutMix, prints
// λ, partners, boxes and soft targets, then trains a tiny linear classifier for a few steps with Mixup and
// SoftTargetCrossEntropy to show the loop. Last, a detection tour: Mosaic, detection Mixup and a random affine on
// images with boxes, drawn into detection-tour.png (or the path given as the first argument).
using System;
using System.Globalization;
using System.Linq;
using MixupSharp.Detection;
using MixupSharp.Distortion;
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

DetectionTour(args.Length > 0 ? args[0] : "detection-tour.png");

// Four 64×64 images, each a coloured object with its box; then what Mosaic, detection Mixup and RandomAffine make of them.
static void DetectionTour(string path)
{
    using var scope = NewDisposeScope();
    using var g = new Generator(7);
    var images = full(new long[] { 4, 3, 64, 64 }, 0.15f);
    var boxes = new float[] { 8, 10, 40, 50, 20, 4, 60, 30, 30, 30, 56, 60, 4, 36, 28, 60 };
    var colours = new[] { (1f, 0.3f, 0.3f), (0.3f, 1f, 0.3f), (0.3f, 0.5f, 1f), (1f, 0.9f, 0.2f) };
    for (int i = 0; i < 4; i++)
    {
        var (r, gr, b) = colours[i];
        var region = images[i, .., (int)boxes[(4 * i) + 1]..(int)boxes[(4 * i) + 3], (int)boxes[4 * i]..(int)boxes[(4 * i) + 2]];
        region.copy_(tensor(new[] { r, gr, b }).reshape(3, 1, 1).expand_as(region));
    }

    using var batch = new BoxBatch(tensor(boxes).reshape(4, 1, 4), tensor(new long[] { 0, 1, 2, 3 }).reshape(4, 1));
    using var mosaic = new Mosaic().Apply(images, batch, g);
    using var mixed = new DetectionMixup().Apply(images, batch, g);
    using var draw = new RandomAffine(new RandomAffineOptions { Degrees = (-30, 30) }).Sample(images.shape, g);
    var warped = AffineWarp.Apply(images, draw.Matrices);
    using var warpedBoxes = RandomAffine.ApplyToBoxes(batch, draw, 64, 64);
    var rows = new (string Title, Tensor Images, BoxBatch Boxes)[] { ("original", images, batch), ("Mosaic", mosaic.Images, mosaic.Boxes), ("detection Mixup", mixed.Images, mixed.Boxes), ("RandomAffine", warped, warpedBoxes) };

    const int scale = 3, cell = 64 * scale;
    using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo((4 * cell) + 130, 4 * (cell + 8)));
    var canvas = surface.Canvas;
    canvas.Clear(SkiaSharp.SKColors.White);
    using var font = new SkiaSharp.SKFont(SkiaSharp.SKTypeface.Default, 14);
    using var ink = new SkiaSharp.SKPaint { Color = SkiaSharp.SKColors.Black, IsAntialias = true };
    using var edge = new SkiaSharp.SKPaint { Color = SkiaSharp.SKColors.White, Style = SkiaSharp.SKPaintStyle.Stroke, StrokeWidth = 2 };
    for (int row = 0; row < rows.Length; row++)
    {
        var (title, pictures, targets) = rows[row];
        canvas.DrawText(title, 4, (row * (cell + 8)) + 20, font, ink);
        var rgb = (pictures.clamp(0, 1) * 255).to_type(ScalarType.Byte).permute(0, 2, 3, 1).contiguous();
        var b = targets.Boxes.data<float>().ToArray();
        var labels = targets.Labels.data<long>().ToArray();
        var weights = targets.Weights.to_type(ScalarType.Float32).data<float>().ToArray();
        long slots = targets.Slots;
        for (int i = 0; i < 4; i++)
        {
            var pixels = rgb[i].data<byte>().ToArray();
            using var bitmap = new SkiaSharp.SKBitmap(64, 64);
            for (int y = 0; y < 64; y++)
            {
                for (int x = 0; x < 64; x++)
                {
                    int o = ((y * 64) + x) * 3;
                    bitmap.SetPixel(x, y, new SkiaSharp.SKColor(pixels[o], pixels[o + 1], pixels[o + 2]));
                }
            }

            float left = 130 + (i * cell), top = row * (cell + 8);
            canvas.DrawBitmap(bitmap, new SkiaSharp.SKRect(left, top, left + cell, top + cell));
            for (long k = 0; k < slots; k++)
            {
                long at = (i * slots) + k;
                if (labels[at] < 0)
                {
                    continue;
                }

                canvas.DrawRect(new SkiaSharp.SKRect(left + (b[4 * at] * scale), top + (b[(4 * at) + 1] * scale), left + (b[(4 * at) + 2] * scale), top + (b[(4 * at) + 3] * scale)), edge);
                canvas.DrawText($"{labels[at]} ({weights[at]:F2})", left + (b[4 * at] * scale) + 3, top + (b[(4 * at) + 1] * scale) + 14, font, edge);
            }
        }
    }

    using var png = surface.Snapshot().Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
    System.IO.File.WriteAllBytes(path, png.ToArray());
    Console.WriteLine($"\nDetection tour: Mosaic, detection Mixup and RandomAffine on boxed images, drawn into {path}");
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

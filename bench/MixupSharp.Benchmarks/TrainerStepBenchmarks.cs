using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using MixupSharp.Training.Data;
using MixupSharp.Distortion;
using MixupSharp.Losses;
using MixupSharp.Mixing;
using MixupSharp.Training.Models;
using MixupSharp.Pipelines;
using MixupSharp.Training;
using MixupSharp.Training.Methods;
using MixupSharp.Training.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace MixupSharp.Benchmarks;

/// <summary>
/// What the trainer adds to a training step, in isolation. "Bare step" is forward, integer-label cross-entropy, backward
/// and an SGD step on a batch that is already in memory, float and normalized (the bare loop of <c>./mixup bench</c>).
/// The bare step cycles through every batch of the epoch, prepared before the benchmark, so both steps see the same data.
/// "Trainer step" is the same step the way <see cref="Trainer"/> takes it with ERM and no crop/flip: the batch gathered
/// from a uint8 dataset by <see cref="BatchLoader"/> and converted, the ERM pipeline (normalization, one-hot targets),
/// the learning rate set on the optimizer, soft-target cross-entropy, and the loss read back with <c>item()</c>.
/// "Trainer extras" is the trainer step without the model and the optimizer: its cost is the overhead on its own.
/// The loss, learning-rate and item() cases time the step's other differences alone, because two whole steps measured
/// minutes apart differ by more than these on shared CPUs.
/// </summary>
[MemoryDiagnoser(false)]
public class TrainerStepBenchmarks
{
    private const int BatchSize = 128;
    private const int Classes = 10;
    private InMemoryDataset _data = null!;
    private BatchLoader _loader = null!;
    private long[] _order = null!;
    private long _batches;
    private long _next;
    private AugmentationPipeline _pipeline = null!;
    private Normalize _normalize = null!;
    private Generator _generator = null!;
    private (Tensor Images, Tensor Labels)[] _bare = null!;
    private SeedNet _model = null!;
    private optim.Optimizer _optimizer = null!;
    private Tensor _logits = null!;
    private Tensor _scalar = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.set_num_threads(Environment.ProcessorCount);
        _generator = new Generator(7);
        var images = torch.randint(0, 256, new long[] { 60_000, 1, 28, 28 }, dtype: ScalarType.Byte, generator: _generator);
        var labels = torch.randint(Classes, new long[] { 60_000 }, generator: _generator);
        _data = new InMemoryDataset("benchmark", images, labels, Enumerable.Range(0, Classes).Select(c => c.ToString()).ToArray());
        _loader = new BatchLoader(_data, new BatchLoaderOptions { BatchSize = BatchSize, Prefetch = 0 }, _generator);
        _order = _loader.NextOrder();
        _batches = _loader.BatchesPerEpoch;
        _normalize = StandardAugmentation.Normalization(DatasetKind.FashionMnist);
        _pipeline = new RunPipelines(new TrainingOptions { Method = KnownMethods.Erm, StandardAugmentation = false }, Classes, 28, _normalize).WithMethod;
        _bare = _loader.Batches(_order).Select(batch =>
        {
            using (batch)
            {
                return (_normalize.Transform(batch.Images).contiguous(), batch.Labels.clone());
            }
        }).ToArray();

        _model = new SeedNet(1, 28, Classes);
        _optimizer = optim.SGD(_model.parameters(), 0.05, momentum: 0.9, weight_decay: 5e-4);
        _model.train();
        _logits = torch.randn(BatchSize, Classes, generator: _generator);
        _scalar = torch.tensor(1.5f);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var (images, labels) in _bare)
        {
            images.Dispose();
            labels.Dispose();
        }

        _model.Dispose();
        _logits.Dispose();
        _scalar.Dispose();
        _data.Dispose();
        _generator.Dispose();
    }

    [Benchmark(Baseline = true, Description = "Bare step (prepared normalized batches, CE)")]
    public float BareStep()
    {
        var (images, labels) = _bare[_next++ % _batches];
        using var scope = NewDisposeScope();
        var loss = nn.functional.cross_entropy(_model.call(images), labels);
        _optimizer.zero_grad();
        loss.backward();
        _optimizer.step();
        return 0f;
    }

    [Benchmark(Description = "Trainer step (load, ERM pipeline, soft CE, item)")]
    public float TrainerStep()
    {
        using var batch = NextBatch();
        using var scope = NewDisposeScope();
        SetLearningRate();
        using var augmented = _pipeline.Apply(batch.Images, batch.Labels, _generator);
        var loss = SoftTargetCrossEntropy.Compute(_model.call(augmented.Inputs), augmented.Targets);
        float value = loss.item<float>();
        _optimizer.zero_grad();
        loss.backward();
        _optimizer.step();
        return value;
    }

    [Benchmark(Description = "Loss alone: CE on indices, forward + backward, [128,10]")]
    public float CrossEntropyAlone()
    {
        using var scope = NewDisposeScope();
        var logits = _logits.detach().requires_grad_(true);
        var loss = nn.functional.cross_entropy(logits, _bare[0].Labels);
        loss.backward();
        return 0f;
    }

    [Benchmark(Description = "Loss alone: soft-target CE on one-hot, forward + backward, [128,10]")]
    public float SoftTargetCrossEntropyAlone()
    {
        using var scope = NewDisposeScope();
        var logits = _logits.detach().requires_grad_(true);
        var loss = SoftTargetCrossEntropy.Compute(logits, SoftTargets.FromIndices(_bare[0].Labels, Classes));
        loss.backward();
        return 0f;
    }

    [Benchmark(Description = "Set the learning rate of every parameter group")]
    public void SetLearningRate()
    {
        foreach (var group in _optimizer.ParamGroups)
        {
            group.LearningRate = 0.05;
        }
    }

    [Benchmark(Description = "loss.item()")]
    public float Item() => _scalar.item<float>();

    [Benchmark(Description = "Trainer extras only (load, ERM pipeline)")]
    public long TrainerExtras()
    {
        using var batch = NextBatch();
        using var scope = NewDisposeScope();
        using var augmented = _pipeline.Apply(batch.Images, batch.Labels, _generator);
        return augmented.Inputs.shape[0];
    }

    private LoadedBatch NextBatch()
    {
        long b = _next++ % _batches;
        return _loader.Batches(_order, b).First();
    }
}

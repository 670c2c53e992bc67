using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process: BenchmarkDotNet's generated projects would not get this repository's native-library fix.
// Usage: dotnet run -c Release --project bench/MixupSharp.Benchmarks -- [BenchmarkDotNet arguments, e.g. --filter '*']
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithWarmupCount(3)
    .WithIterationCount(15);
var config = DefaultConfig.Instance.AddJob(job).WithOptions(ConfigOptions.DisableOptimizationsValidator);
BenchmarkSwitcher.FromAssembly(typeof(MixupSharp.Benchmarks.AugmentationBenchmarks).Assembly).Run(args.Length == 0 ? new[] { "--filter", "*" } : args, config);

using System;
using System.Collections.Generic;
using System.Linq;
using MixupSharp.Training.Options;

namespace MixupSharp.Training.Methods;

/// <summary>
/// The registry of training methods: the one place the built-in methods are listed. The CLI, variants files and
/// config.json find methods here by name; <see cref="Register"/> adds one of your own.
/// </summary>
public static class KnownMethods
{
    private static readonly object Gate = new();
    private static readonly List<TrainingMethod> Methods;

    static KnownMethods()
    {
        Erm = new ErmMethod();
        Mixup = new MixupMethod();
        CutMix = new CutMixMethod();
        Methods = new List<TrainingMethod>
        {
            Erm, Mixup, CutMix, new MixupCutMixMethod(), new CutoutMethod(), new RandomErasingMethod(), new GridMaskMethod(),
            new AffineMethod(), new MaskDistortMixMethod(), new ManifoldMixupMethod(), new FMixMethod(), new ResizeMixMethod(), new SaliencyMixMethod(),
            new SmoothMixMethod(), new GridMixMethod(), new PuzzleMixMethod(), new AutoMixMethod(),
        };
    }

    /// <summary>Empirical risk minimization: no augmentation beyond the dataset's crop/flip.</summary>
    public static TrainingMethod Erm { get; }

    /// <summary>Mixup (Zhang et al., ICLR 2018).</summary>
    public static TrainingMethod Mixup { get; }

    /// <summary>CutMix (Yun et al., ICCV 2019).</summary>
    public static TrainingMethod CutMix { get; }

    /// <summary>Every known method, built-in ones first, in registration order.</summary>
    public static IReadOnlyList<TrainingMethod> All
    {
        get
        {
            lock (Gate)
            {
                return Methods.ToArray();
            }
        }
    }

    /// <summary>Every known method's name.</summary>
    public static IReadOnlyList<string> Names => All.Select(m => m.Name).ToArray();

    /// <summary>The method named <paramref name="name"/>, or null.</summary>
    public static TrainingMethod? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    /// <summary>The method named <paramref name="name"/>; an unknown name is an <see cref="InvalidOptionException"/> listing the known ones.</summary>
    public static TrainingMethod Parse(string name) =>
        Find(name) ?? throw new InvalidOptionException("method", $"must be one of {string.Join(", ", Names)}; got '{name}'.");

    /// <summary>
    /// Adds a method. Registering the same method type again is a no-op; another method under a known name, or a method
    /// that declares an option twice, is an <see cref="ArgumentException"/>.
    /// </summary>
    public static void Register(TrainingMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        lock (Gate)
        {
            var existing = Methods.FirstOrDefault(m => m.Name == method.Name);
            if (existing is not null)
            {
                if (existing.GetType() == method.GetType())
                {
                    return;
                }

                throw new ArgumentException($"a method named '{method.Name}' is already known ({existing.GetType().Name}).", nameof(method));
            }

            var names = method.Options.Select(o => o.Name).ToList();
            var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new ArgumentException($"method '{method.Name}' declares the option '{duplicate.Key}' twice.", nameof(method));
            }

            Methods.Add(method);
        }
    }
}

using System.Globalization;
using System.Linq;
using MixupSharp.Policies;
using static TorchSharp.torch;

namespace MixupSharp.Training.Reports;

/// <summary>
/// Short per-sample captions of a policy draw, sized for a preview cell: "Rot-12 Sol128", "AugMix m .42" (a legend of
/// the abbreviations is <see cref="Legend"/>).
/// </summary>
public static class PolicyCaptions
{
    /// <summary>The captions of <paramref name="draw"/>, or null when it is not a policy draw.</summary>
    public static string[]? Of(object draw) => draw switch
    {
        PolicyParameters p => Chains(p),
        AugMixParameters a => a.OriginalWeights.cpu().data<double>().ToArray().Select(m => "AugMix m " + m.ToString(".00", CultureInfo.InvariantCulture)).ToArray(),
        _ => null,
    };

    /// <summary>The abbreviations the captions use.</summary>
    public const string Legend = "ShX/ShY shear, TrX/TrY translate, Rot rotate, Bri brightness, Col color, Con contrast, Shp sharpness, Pos posterize, Sol solarize, AC autocontrast, Eq equalize, Inv invert";

    private static string Short(PolicyOp op) => op switch
    {
        PolicyOp.ShearX => "ShX",
        PolicyOp.ShearY => "ShY",
        PolicyOp.TranslateX => "TrX",
        PolicyOp.TranslateY => "TrY",
        PolicyOp.Rotate => "Rot",
        PolicyOp.Brightness => "Bri",
        PolicyOp.Color => "Col",
        PolicyOp.Contrast => "Con",
        PolicyOp.Sharpness => "Shp",
        PolicyOp.Posterize => "Pos",
        PolicyOp.Solarize => "Sol",
        PolicyOp.AutoContrast => "AC",
        PolicyOp.Equalize => "Eq",
        PolicyOp.Invert => "Inv",
        _ => op.ToString(),
    };

    private static string[] Chains(PolicyParameters p)
    {
        long n = p.Ops.shape[0];
        int steps = p.Steps;
        long[] ops = p.Ops.cpu().contiguous().data<long>().ToArray();
        double[] magnitudes = p.Magnitudes.cpu().contiguous().data<double>().ToArray();
        return Enumerable.Range(0, (int)n).Select(i =>
        {
            var parts = Enumerable.Range(0, steps)
                .Select(s => ((PolicyOp)ops[(i * steps) + s], magnitudes[(i * steps) + s]))
                .Where(step => step.Item1 != PolicyOp.Identity)
                .Select(step => step.Item2 == 0 ? Short(step.Item1) : Short(step.Item1) + Magnitude(step.Item1, step.Item2))
                .ToList();
            return parts.Count == 0 ? "identity" : string.Join(" ", parts);
        }).ToArray();
    }

    // Whole pixels for translations (as applied), two significant digits otherwise: ".27", "-12", "128".
    private static string Magnitude(PolicyOp op, double m) =>
        op is PolicyOp.TranslateX or PolicyOp.TranslateY or PolicyOp.Posterize ? ((long)m).ToString(CultureInfo.InvariantCulture)
        : System.Math.Abs(m) < 1 ? m.ToString(".00", CultureInfo.InvariantCulture).Replace("-0.", "-.", System.StringComparison.Ordinal)
        : m.ToString("0", CultureInfo.InvariantCulture);
}

using System.Linq;

namespace MixupSharp.Mixing;

/// <summary>
/// Who mixes with whom, from one random permutation: per batch and per sample, sample i pairs with perm[i]; per pair,
/// consecutive entries of the permutation swap partners (an odd leftover is its own partner). Samples of one group
/// share λ and box.
/// </summary>
internal static class PartnerPlan
{
    /// <summary>Each sample's partner and group, the number of groups, and which groups may mix.</summary>
    public static (long[] Partner, long[] Group, long Groups, bool[] GroupMixable) From(MixMode mode, long[] perm)
    {
        long n = perm.Length;
        var partner = new long[n];
        var group = new long[n];
        long groups;
        bool[] groupMixable;
        switch (mode)
        {
            case MixMode.PerBatch:
                groups = 1;
                groupMixable = new[] { true };
                for (long i = 0; i < n; i++)
                {
                    partner[i] = perm[i];
                }

                break;
            case MixMode.PerPair:
                long pairs = n / 2;
                groups = pairs + (n % 2);
                groupMixable = new bool[groups];
                for (long k = 0; k < pairs; k++)
                {
                    long a = perm[2 * k], b = perm[(2 * k) + 1];
                    partner[a] = b;
                    partner[b] = a;
                    group[a] = k;
                    group[b] = k;
                    groupMixable[k] = true;
                }

                if (n % 2 == 1)
                {
                    long last = perm[n - 1];
                    partner[last] = last;
                    group[last] = pairs;
                }

                break;
            default:
                groups = n;
                groupMixable = Enumerable.Repeat(true, (int)n).ToArray();
                for (long i = 0; i < n; i++)
                {
                    partner[i] = perm[i];
                    group[i] = i;
                }

                break;
        }

        return (partner, group, groups, groupMixable);
    }
}

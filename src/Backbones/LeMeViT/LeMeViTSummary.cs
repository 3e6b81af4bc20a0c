namespace GeoDense.Backbones;

/// <summary>One row of <see cref="LeMeViTSummary"/>: a stage at a given input size.</summary>
/// <param name="Part">"stage 0" .. "stage 4" or "head".</param>
/// <param name="Block">C (cross), D (dual cross), S (standard) or "-".</param>
/// <param name="Height">Image-map height after the stage's downsampling (0 for the head).</param>
/// <param name="Parameters">Parameters of the stage: its downsampling, meta-token stem and blocks (stage 0 also the meta tokens).</param>
/// <param name="Macs">Multiply-accumulates per image (convolutions, linear layers, attention products).</param>
public sealed record LeMeViTStageSummary(string Part, string Block, int Channels, long Height, long Width, int Depth, long Parameters, long Macs);

/// <summary>
/// Parameters per stage and multiply-accumulates (MACs) for an input size, computed from the config.
/// MACs count convolutions (Cout·Cin/groups·k²·Hout·Wout), linear layers (in·out per token) and the two
/// attention products (2·Nq·Nk·C); normalisation, activations and softmax are not counted (as fvcore).
/// </summary>
public static class LeMeViTSummary
{
    public static IReadOnlyList<LeMeViTStageSummary> Compute(LeMeViTConfig config, long height, long width, bool withHead = true)
    {
        config.Validate();
        var d = config.Dims;
        var m = (long)config.MetaTokens;
        var rows = new List<LeMeViTStageSummary>();
        long h = height, w = width;
        static long Half(long v) => (v + 1) / 2;                       // 3x3 stride-2 pad-1 conv
        static long Conv(long cin, long cout, long k, long groups) => cout * (cin / groups) * k * k + cout;
        static long Lin(long cin, long cout) => cin * cout + cout;
        static long Ln(long c) => 2 * c;
        static long Bn(long c) => 2 * c;                                // running stats are buffers, not parameters

        for (var i = 0; i < LeMeViTConfig.StageCount; i++)
        {
            long parameters = 0, macs = 0;
            // downsampling
            if (i == 0)
            {
                h = Half(h); w = Half(w);
                parameters += Conv(config.InChannels, d[0] / 2, 3, 1) + Bn(d[0] / 2);
                macs += (long)d[0] / 2 * config.InChannels * 9 * h * w;
                h = Half(h); w = Half(w);
                parameters += Conv(d[0] / 2, d[0], 3, 1) + Bn(d[0]);
                macs += (long)d[0] * (d[0] / 2) * 9 * h * w;
                parameters += m * d[0];                                   // meta tokens
            }
            else if (i >= 2)
            {
                h = Half(h); w = Half(w);
                parameters += Conv(d[i - 1], d[i], 3, 1) + Bn(d[i]);
                macs += (long)d[i] * d[i - 1] * 9 * h * w;
            }
            // meta-token stem
            long cin = d[Math.Max(i - 1, 0)], c = d[i], n = h * w;
            parameters += Lin(cin, 4 * cin) + Ln(4 * cin) + Lin(4 * cin, c) + Ln(c);
            macs += m * (cin * 4 * cin + 4 * cin * c);
            // blocks
            var hidden = (long)(config.MlpRatio * c);
            long blockParams = Conv(c, c, config.CpeKernel, c) + 2 * Ln(c) + Lin(c, hidden) + Lin(hidden, c);
            long blockMacs = c * config.CpeKernel * config.CpeKernel * n;
            string kind;
            switch (i)
            {
                case 0:
                    kind = "C";
                    blockParams += Lin(c, c) + Lin(c, 2 * c) + Lin(c, c);
                    blockMacs += m * c * c + n * 2 * c * c + 2 * m * n * c + m * c * c + m * 2 * c * hidden;
                    break;
                case 1 or 2:
                    kind = "D";
                    blockParams += 2 * Lin(c, 3 * c) + 2 * Lin(c, c);
                    blockMacs += (n + m) * 3 * c * c + 2 * (2 * n * m * c) + (n + m) * c * c + (n + m) * 2 * c * hidden;
                    break;
                default:
                    kind = "S";
                    blockParams += Lin(c, 3 * c) + Lin(c, c);
                    // image tokens and (for the classifier) meta tokens, each with its own self-attention
                    var tokenSets = withHead ? new[] { n, m } : new[] { n };
                    foreach (var t in tokenSets)
                        blockMacs += t * 3 * c * c + 2 * t * t * c + t * c * c + t * 2 * c * hidden;
                    break;
            }
            parameters += config.Depths[i] * blockParams;
            macs += config.Depths[i] * blockMacs;
            rows.Add(new LeMeViTStageSummary($"stage {i}", kind, d[i], h, w, config.Depths[i], parameters, macs));
        }

        long headParams = Bn(d[^1]) + Ln(d[^1]);                         // norm, norm_c (kept by the backbone too)
        long headMacs = 0;
        if (withHead)
        {
            headParams += Lin(d[^1], config.NumClasses);
            headMacs = (long)d[^1] * config.NumClasses;
        }
        rows.Add(new LeMeViTStageSummary(withHead ? "head" : "norms", "-", withHead ? config.NumClasses : d[^1], 0, 0, 0, headParams, headMacs));
        return rows;
    }
}

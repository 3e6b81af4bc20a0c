namespace GeoDense.Tasks.Detection.Dota;

/// <summary>
/// The order numpy's default <c>np.argsort</c> (kind 'quicksort', an introsort) gives float64 values, ties included.
/// DOTA_devkit ranks detections with <c>np.argsort(-confidence)</c>, which is not stable, and with equal scores the
/// rank decides which detection takes a ground truth and where precision is sampled, so AP depends on it. This
/// reproduces numpy 1.x's generic introsort (median-of-three partitions, insertion sort below 16 elements, heapsort
/// past the depth limit; NaN sorts last). numpy builds that sort with AVX-512 (x86-simd-sort, 1.26 and later on
/// AVX-512 machines) order ties differently; the DOTA_devkit parity fixtures were made with Debian 12's numpy 1.24.
/// </summary>
public static class NumpyArgsort
{
    const int SmallPartition = 15;

    public static int[] Argsort(IReadOnlyList<double> values)
    {
        var v = values as double[] ?? values.ToArray();
        var order = Enumerable.Range(0, v.Length).ToArray();
        if (v.Length > 1) Introsort(v, order);
        return order;
    }

    static bool Less(double a, double b) => a < b || (double.IsNaN(b) && !double.IsNaN(a));

    static void Introsort(double[] v, int[] idx)
    {
        int lo = 0, hi = idx.Length - 1;
        var stack = new Stack<(int Lo, int Hi, int Depth)>();
        int depth = 2 * MostSignificantBit(idx.Length);
        while (true)
        {
            if (depth < 0)
            {
                Heapsort(v, idx, lo, hi - lo + 1);
                if (!Pop(stack, ref lo, ref hi, ref depth)) return;
                continue;
            }
            while (hi - lo > SmallPartition)
            {
                int mid = lo + ((hi - lo) >> 1);
                if (Less(v[idx[mid]], v[idx[lo]])) Swap(idx, mid, lo);
                if (Less(v[idx[hi]], v[idx[mid]])) Swap(idx, hi, mid);
                if (Less(v[idx[mid]], v[idx[lo]])) Swap(idx, mid, lo);
                double pivot = v[idx[mid]];
                int i = lo, j = hi - 1;
                Swap(idx, mid, j);
                while (true)
                {
                    do ++i; while (Less(v[idx[i]], pivot));
                    do --j; while (Less(pivot, v[idx[j]]));
                    if (i >= j) break;
                    Swap(idx, i, j);
                }
                Swap(idx, i, hi - 1);
                // the larger side waits on the stack, the smaller one is sorted next
                if (i - lo < hi - i) { stack.Push((i + 1, hi, --depth)); hi = i - 1; }
                else { stack.Push((lo, i - 1, --depth)); lo = i + 1; }
            }
            for (int i = lo + 1; i <= hi; i++)
            {
                int moving = idx[i];
                double key = v[moving];
                int j = i;
                while (j > lo && Less(key, v[idx[j - 1]])) { idx[j] = idx[j - 1]; j--; }
                idx[j] = moving;
            }
            if (!Pop(stack, ref lo, ref hi, ref depth)) return;
        }
    }

    static bool Pop(Stack<(int Lo, int Hi, int Depth)> stack, ref int lo, ref int hi, ref int depth)
    {
        if (stack.Count == 0) return false;
        (lo, hi, depth) = stack.Pop();
        return true;
    }

    /// <summary>numpy's heapsort on idx[start .. start+n), 1-based heap indexing as numpy does it.</summary>
    static void Heapsort(double[] v, int[] idx, int start, int n)
    {
        int A(int k) => idx[start + k - 1];
        void Set(int k, int value) => idx[start + k - 1] = value;
        for (int l = n >> 1; l > 0; --l)
        {
            int tmp = A(l), i = l, j = l << 1;
            while (j <= n)
            {
                if (j < n && Less(v[A(j)], v[A(j + 1)])) j++;
                if (Less(v[tmp], v[A(j)])) { Set(i, A(j)); i = j; j += j; }
                else break;
            }
            Set(i, tmp);
        }
        for (; n > 1;)
        {
            int tmp = A(n);
            Set(n, A(1));
            n--;
            int i = 1, j = 2;
            while (j <= n)
            {
                if (j < n && Less(v[A(j)], v[A(j + 1)])) j++;
                if (Less(v[tmp], v[A(j)])) { Set(i, A(j)); i = j; j += j; }
                else break;
            }
            Set(i, tmp);
        }
    }

    static int MostSignificantBit(int n)
    {
        int bits = 0;
        while ((n >>= 1) != 0) bits++;
        return bits;
    }

    static void Swap(int[] a, int i, int j) => (a[i], a[j]) = (a[j], a[i]);
}

using System.Numerics;
using GeoDense.Torch.Checkpoints.Pickle;

namespace GeoDense.Torch.Tests.Checkpoints;

/// <summary>Pickles made once with CPython's pickle.dumps (expressions in each test).</summary>
public class UnpicklerTests
{
    [Fact]
    public void Protocol4WithFramesMemoAndSharedReferences()
    {
        // l = [7, 8]; pickle.dumps({'a': [1, 2.5, 'é', None, True, b'xy', (1, 2, 3), 2**70, -1, 65535, 2**31, -2**31],
        //                           'shared': (l, l), 'nested': {'k': (), 'f': (4,)}}, protocol=4)
        var bytes = Convert.FromHexString(
            "8004957a000000000000007d94288c0161945d94284b014740040000000000008c02c3a9944e8843027879944b014b024b0387948a" +
            "090000000000000000404affffffff4dffff8a0500000080004a00000080658c06736861726564945d94284b074b0865680786948c06" +
            "6e6573746564947d94288c016b94298c0166944b04859475752e");
        var root = (OrderedDictionary<object, object?>)new Unpickler(bytes).Load()!;

        var a = (List<object?>)root["a"]!;
        Assert.Equal(12, a.Count);
        Assert.Equal([1L, 2.5, "é", null, true], a.Take(5));
        Assert.Equal("xy"u8.ToArray(), (byte[])a[5]!);
        Assert.Equal([1L, 2L, 3L], (object?[])a[6]!);
        Assert.Equal(BigInteger.Pow(2, 70), a[7]);
        Assert.Equal([-1L, 65535L, 2147483648L, -2147483648L], a.Skip(8));

        var shared = (object?[])root["shared"]!;
        Assert.Same(shared[0], shared[1]);
        Assert.Equal([7L, 8L], (List<object?>)shared[0]!);

        var nested = (OrderedDictionary<object, object?>)root["nested"]!;
        Assert.Empty((object?[])nested["k"]!);
        Assert.Equal([4L], (object?[])nested["f"]!);
    }

    [Fact]
    public void Protocol0TextOpcodes()
    {
        // pickle.dumps({'x': [1, 2.5, 's', None, True, (1, 2)], 'y': -3}, protocol=0)
        var bytes = Convert.FromHexString(
            "286470300a56780a70310a286c70320a49310a6146322e350a6156730a70330a614e614930310a612849310a49320a7470340a61" +
            "7356790a70350a492d330a732e");
        var root = (OrderedDictionary<object, object?>)new Unpickler(bytes).Load()!;
        var x = (List<object?>)root["x"]!;
        Assert.Equal([1L, 2.5, "s", null, true], x.Take(5));
        Assert.Equal([1L, 2L], (object?[])x[5]!);
        Assert.Equal(-3L, root["y"]);
    }

    [Fact]
    public void UnknownGlobalsBecomeInertObjects()
    {
        // pickle.dumps(argparse.Namespace(lr=0.1), protocol=2)
        var bytes = Convert.FromHexString("80026361726770617273650a4e616d6573706163650a7100298171017d710258020000006c727103473fb999999999999a73622e");
        var ns = Assert.IsType<PickleObject>(new Unpickler(bytes).Load());
        Assert.Equal(new PickleGlobal("argparse", "Namespace"), ns.Type);
        Assert.Equal(0.1, ((OrderedDictionary<object, object?>)ns.State!)["lr"]);
    }

    [Fact]
    public void TruncatedPickleFails()
    {
        var bytes = Convert.FromHexString("80027d71002858010000");
        Assert.Throws<InvalidDataException>(() => new Unpickler(bytes).Load());
    }
}

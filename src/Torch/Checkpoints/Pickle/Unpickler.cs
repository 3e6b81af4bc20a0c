using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace GeoDense.Torch.Checkpoints.Pickle;

/// <summary>
/// A data-only reader for Python pickles (protocols 0-5, the subset that plain containers and
/// torch.save use). Nothing is executed: globals go through <see cref="ResolveGlobal"/>, persistent ids
/// through <see cref="PersistentLoad"/>.
/// Values: None -> null, bool, int -> long (BigInteger when wider), float -> double, str -> string,
/// bytes -> byte[], list -> List&lt;object?&gt;, tuple -> object?[], dict -> OrderedDictionary&lt;object, object?&gt;,
/// set -> List&lt;object?&gt;.
/// </summary>
internal sealed class Unpickler(byte[] data)
{
    private readonly List<object?> stack = [];
    private readonly Stack<int> marks = new();
    private readonly Dictionary<long, object?> memo = [];
    private int position;

    /// <summary>Maps (module, name) to a value: usually a <see cref="PickleFunction"/>; default keeps it as <see cref="PickleGlobal"/>.</summary>
    public Func<string, string, object> ResolveGlobal { get; init; } = (module, name) => new PickleGlobal(module, name);

    public Func<object?, object?> PersistentLoad { get; init; } =
        pid => throw new InvalidDataException($"unexpected persistent id {pid}");

    public object? Load()
    {
        while (true)
        {
            byte opcode = ReadByte();
            switch (opcode)
            {
                case 0x80: ReadByte(); break;                                   // PROTO
                case 0x95: ReadBytes(8); break;                                  // FRAME (length only)
                case (byte)'.': return Pop();                                    // STOP

                case (byte)'(': marks.Push(stack.Count); break;                  // MARK
                case (byte)'0': Pop(); break;                                    // POP
                case (byte)'1': PopMark(); break;                                // POP_MARK
                case (byte)'2': Push(Peek()); break;                             // DUP

                case (byte)'N': Push(null); break;                               // NONE
                case 0x88: Push(true); break;                                    // NEWTRUE
                case 0x89: Push(false); break;                                   // NEWFALSE
                case (byte)'I': Push(ParseIntLine(ReadLine())); break;           // INT
                case (byte)'L': Push(Narrow(BigInteger.Parse(ReadLine().TrimEnd('L'), CultureInfo.InvariantCulture))); break; // LONG
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break;                   // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break;                    // LONG1
                case 0x8b: Push(ReadLong(ReadLength4())); break;                 // LONG4
                case (byte)'F': Push(double.Parse(ReadLine(), CultureInfo.InvariantCulture)); break; // FLOAT
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT

                case (byte)'X': Push(Encoding.UTF8.GetString(ReadBytes(ReadLength4()))); break; // BINUNICODE
                case 0x8c: Push(Encoding.UTF8.GetString(ReadBytes(ReadByte()))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Encoding.UTF8.GetString(ReadBytes(ReadLength8()))); break; // BINUNICODE8
                case (byte)'V': Push(ReadLine()); break;                         // UNICODE (ASCII subset)
                case (byte)'S': Push(Unquote(ReadLine())); break;                // STRING
                case (byte)'T': Push(Encoding.Latin1.GetString(ReadBytes(ReadLength4()))); break; // BINSTRING
                case (byte)'U': Push(Encoding.Latin1.GetString(ReadBytes(ReadByte()))); break; // SHORT_BINSTRING
                case (byte)'B': Push(ReadBytes(ReadLength4()).ToArray()); break; // BINBYTES
                case (byte)'C': Push(ReadBytes(ReadByte()).ToArray()); break;    // SHORT_BINBYTES
                case 0x8e: Push(ReadBytes(ReadLength8()).ToArray()); break;      // BINBYTES8
                case 0x96: Push(ReadBytes(ReadLength8()).ToArray()); break;      // BYTEARRAY8

                case (byte)']': Push(new List<object?>()); break;                // EMPTY_LIST
                case (byte)'l': Push(new List<object?>(PopMark())); break;       // LIST
                case (byte)'a': { var item = Pop(); AsList(Peek()).Add(item); break; } // APPEND
                case (byte)'e': { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // APPENDS
                case (byte)')': Push(Array.Empty<object?>()); break;             // EMPTY_TUPLE
                case (byte)'t': Push(PopMark()); break;                          // TUPLE
                case 0x85: Push(PopTuple(1)); break;                             // TUPLE1
                case 0x86: Push(PopTuple(2)); break;                             // TUPLE2
                case 0x87: Push(PopTuple(3)); break;                             // TUPLE3
                case (byte)'}': Push(new OrderedDictionary<object, object?>()); break; // EMPTY_DICT
                case (byte)'d': { var dict = new OrderedDictionary<object, object?>(); SetItems(dict, PopMark()); Push(dict); break; } // DICT
                case (byte)'s': { var value = Pop(); var key = Pop(); SetItems(AsDict(Peek()), [key, value]); break; } // SETITEM
                case (byte)'u': { var items = PopMark(); SetItems(AsDict(Peek()), items); break; } // SETITEMS
                case 0x8f: Push(new List<object?>()); break;                     // EMPTY_SET
                case 0x90: { var items = PopMark(); AsList(Peek()).AddRange(items); break; } // ADDITEMS
                case 0x91: Push(new List<object?>(PopMark())); break;            // FROZENSET

                case (byte)'g': Push(MemoGet(long.Parse(ReadLine(), CultureInfo.InvariantCulture))); break; // GET
                case (byte)'h': Push(MemoGet(ReadByte())); break;                // BINGET
                case (byte)'j': Push(MemoGet(ReadLength4())); break;             // LONG_BINGET
                case (byte)'p': memo[long.Parse(ReadLine(), CultureInfo.InvariantCulture)] = Peek(); break; // PUT
                case (byte)'q': memo[ReadByte()] = Peek(); break;                // BINPUT
                case (byte)'r': memo[ReadLength4()] = Peek(); break;             // LONG_BINPUT
                case 0x94: memo[memo.Count] = Peek(); break;                     // MEMOIZE

                case (byte)'c': { var module = ReadLine(); Push(ResolveGlobal(module, ReadLine())); break; } // GLOBAL
                case 0x93: { var name = AsString(Pop()); Push(ResolveGlobal(AsString(Pop()), name)); break; } // STACK_GLOBAL
                case (byte)'R': { var args = AsTuple(Pop()); Push(Call(Pop(), args)); break; } // REDUCE
                case 0x81: { var args = AsTuple(Pop()); Push(Call(Pop(), args)); break; } // NEWOBJ
                case 0x92: { Pop(); var args = AsTuple(Pop()); Push(Call(Pop(), args)); break; } // NEWOBJ_EX (kwargs dropped)
                case (byte)'b': { var state = Pop(); Build(Peek(), state); break; } // BUILD
                case (byte)'Q': Push(PersistentLoad(Pop())); break;              // BINPERSID
                case (byte)'P': Push(PersistentLoad(ReadLine())); break;         // PERSID

                default:
                    throw new InvalidDataException($"unsupported pickle opcode 0x{opcode:x2} at byte {position - 1}");
            }
        }
    }

    private static object? Call(object? callable, object?[] args) => callable switch
    {
        PickleFunction function => function.Invoke(args),
        PickleGlobal type => new PickleObject(type, args),
        _ => throw new InvalidDataException($"pickle calls a non-callable value ({callable?.GetType().Name ?? "None"})"),
    };

    private static void Build(object? target, object? state)
    {
        switch (target)
        {
            case PickleObject obj: obj.State = state; break;
            // OrderedDict carries instance attributes (a state dict's `_metadata` versions); they are not needed.
            case OrderedDictionary<object, object?>: break;
            // Tensors rebuilt by torch may get Python-side attributes; the data is already complete.
            case TensorData: break;
            default: throw new InvalidDataException($"pickle sets state on an unsupported value ({target?.GetType().Name ?? "None"})");
        }
    }

    private static void SetItems(OrderedDictionary<object, object?> dict, object?[] items)
    {
        if (items.Length % 2 != 0) throw new InvalidDataException("odd number of items for a dict");
        for (int i = 0; i < items.Length; i += 2)
            dict[items[i] ?? throw new InvalidDataException("None as a dict key is not supported")] = items[i + 1];
    }

    private void Push(object? value) => stack.Add(value);

    private object? Peek() => stack.Count > 0 ? stack[^1] : throw new InvalidDataException("pickle stack underflow");

    private object? Pop()
    {
        var value = Peek();
        stack.RemoveAt(stack.Count - 1);
        return value;
    }

    private object?[] PopMark()
    {
        if (marks.Count == 0) throw new InvalidDataException("pickle MARK missing");
        int start = marks.Pop();
        var items = stack.GetRange(start, stack.Count - start).ToArray();
        stack.RemoveRange(start, stack.Count - start);
        return items;
    }

    private object?[] PopTuple(int count)
    {
        if (stack.Count < count) throw new InvalidDataException("pickle stack underflow");
        var items = stack.GetRange(stack.Count - count, count).ToArray();
        stack.RemoveRange(stack.Count - count, count);
        return items;
    }

    private object? MemoGet(long index) =>
        memo.TryGetValue(index, out var value) ? value : throw new InvalidDataException($"pickle memo slot {index} is empty");

    private static List<object?> AsList(object? value) =>
        value as List<object?> ?? throw new InvalidDataException($"expected a list, found {value?.GetType().Name ?? "None"}");

    private static OrderedDictionary<object, object?> AsDict(object? value) =>
        value as OrderedDictionary<object, object?> ?? throw new InvalidDataException($"expected a dict, found {value?.GetType().Name ?? "None"}");

    private static object?[] AsTuple(object? value) =>
        value as object?[] ?? throw new InvalidDataException($"expected a tuple, found {value?.GetType().Name ?? "None"}");

    private static string AsString(object? value) =>
        value as string ?? throw new InvalidDataException($"expected a string, found {value?.GetType().Name ?? "None"}");

    private byte ReadByte()
    {
        if (position >= data.Length) throw new InvalidDataException("pickle ends before STOP");
        return data[position++];
    }

    private ReadOnlySpan<byte> ReadBytes(long count)
    {
        if (count < 0 || count > data.Length - position) throw new InvalidDataException("pickle ends inside a value");
        var span = data.AsSpan(position, (int)count);
        position += (int)count;
        return span;
    }

    private int ReadLength4()
    {
        int length = BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));
        return length >= 0 ? length : throw new InvalidDataException("negative length in pickle");
    }

    private long ReadLength8() => checked((long)BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8)));

    private string ReadLine()
    {
        int end = Array.IndexOf(data, (byte)'\n', position);
        if (end < 0) throw new InvalidDataException("pickle ends inside a text line");
        var line = Encoding.UTF8.GetString(data, position, end - position);
        position = end + 1;
        return line;
    }

    private object ReadLong(int byteCount) =>
        Narrow(new BigInteger(ReadBytes(byteCount), isUnsigned: false, isBigEndian: false));

    private static object Narrow(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    private static object ParseIntLine(string line) => line switch
    {
        "00" => false, // protocol 0 spells booleans as INT 00/01
        "01" => true,
        _ => Narrow(BigInteger.Parse(line, CultureInfo.InvariantCulture)),
    };

    private static string Unquote(string line) =>
        line.Length >= 2 && (line[0] == '\'' || line[0] == '"') ? line[1..^1] : line;
}

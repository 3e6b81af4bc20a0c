using GeoDense.Torch.Checkpoints.Pickle;

namespace GeoDense.Torch.Checkpoints;

/// <summary>
/// The Python globals a torch.save pickle names, implemented as data transformations. Anything not
/// listed stays an inert <see cref="PickleGlobal"/>, so unknown extras load without being executed.
/// </summary>
internal static class TorchGlobals
{
    private static readonly Dictionary<string, ScalarType> StorageTypes = new()
    {
        ["FloatStorage"] = ScalarType.Float32, ["HalfStorage"] = ScalarType.Float16,
        ["BFloat16Storage"] = ScalarType.BFloat16, ["DoubleStorage"] = ScalarType.Float64,
        ["LongStorage"] = ScalarType.Int64, ["IntStorage"] = ScalarType.Int32,
        ["ShortStorage"] = ScalarType.Int16, ["CharStorage"] = ScalarType.Int8,
        ["ByteStorage"] = ScalarType.UInt8, ["BoolStorage"] = ScalarType.Bool,
        // Untyped storages count bytes; the tensor's dtype comes from elsewhere (_rebuild_tensor_v3).
        ["UntypedStorage"] = ScalarType.UInt8,
    };

    private static readonly Dictionary<string, ScalarType> DTypes = new()
    {
        ["float32"] = ScalarType.Float32, ["float"] = ScalarType.Float32,
        ["float16"] = ScalarType.Float16, ["half"] = ScalarType.Float16,
        ["bfloat16"] = ScalarType.BFloat16,
        ["float64"] = ScalarType.Float64, ["double"] = ScalarType.Float64,
        ["int64"] = ScalarType.Int64, ["long"] = ScalarType.Int64,
        ["int32"] = ScalarType.Int32, ["int"] = ScalarType.Int32,
        ["int16"] = ScalarType.Int16, ["short"] = ScalarType.Int16,
        ["int8"] = ScalarType.Int8, ["uint8"] = ScalarType.UInt8, ["bool"] = ScalarType.Bool,
    };

    public static object Resolve(string module, string name)
    {
        switch (module)
        {
            case "torch" or "torch.storage" when StorageTypes.TryGetValue(name, out var storageType):
                return new TorchStorageType(name, storageType);
            case "torch" when DTypes.TryGetValue(name, out var dtype):
                return new TorchDType(name, dtype);
            case "collections" when name == "OrderedDict":
                return new PickleFunction("collections.OrderedDict", NewOrderedDict);
            case "torch._utils":
                var function = RebuildFunction(name);
                if (function is not null) return new PickleFunction($"torch._utils.{name}", function);
                break;
        }
        return new PickleGlobal(module, name);
    }

    private static Func<object?[], object?>? RebuildFunction(string name) => name switch
    {
        "_rebuild_tensor" => args => RebuildTensor(args, dtypeOverride: null),
        "_rebuild_tensor_v2" => args => RebuildTensor(args, dtypeOverride: null),
        // v3 appends the dtype after the hooks: (storage, offset, size, stride, requires_grad, hooks, dtype, ...).
        "_rebuild_tensor_v3" => args => RebuildTensor(args, Arg<TorchDType>(args, 6, name).DType),
        // A Parameter is its data; requires_grad and hooks are training-time details.
        "_rebuild_parameter" or "_rebuild_parameter_with_state" => args => Arg<TensorData>(args, 0, name),
        // (func, type, args, state): a Tensor subclass; keep the plain tensor func builds.
        "_rebuild_from_type_v2" => args => args.Length >= 3 && args[0] is PickleFunction func && args[2] is object?[] inner
            ? func.Invoke(inner)
            : throw new InvalidDataException("malformed _rebuild_from_type_v2 arguments"),
        _ => null,
    };

    private static object NewOrderedDict(object?[] args)
    {
        var dict = new OrderedDictionary<object, object?>();
        if (args.Length > 0 && args[0] is IEnumerable<object?> pairs)
            foreach (var pair in pairs)
                if (pair is object?[] { Length: 2 } kv && kv[0] is not null) dict[kv[0]!] = kv[1];
        return dict;
    }

    private static TensorData RebuildTensor(object?[] args, ScalarType? dtypeOverride)
    {
        var storage = Arg<TorchStorage>(args, 0, "_rebuild_tensor");
        long offset = Arg<long>(args, 1, "_rebuild_tensor");
        long[] size = Longs(Arg<object?[]>(args, 2, "_rebuild_tensor"));
        long[] stride = Longs(Arg<object?[]>(args, 3, "_rebuild_tensor"));
        var dtype = dtypeOverride ?? storage.DType;
        if (dtype != storage.DType)
        {
            // Offsets and strides count elements of the tensor's dtype over the storage's raw bytes.
            storage = storage with { DType = dtype };
        }
        return TensorRebuild.View(storage, dtype, offset, size, stride);
    }

    private static T Arg<T>(object?[] args, int index, string function) =>
        index < args.Length && args[index] is T value
            ? value
            : throw new InvalidDataException(
                $"{function}: argument {index} should be {typeof(T).Name}, found {(index < args.Length ? args[index]?.GetType().Name ?? "None" : "nothing")}");

    private static long[] Longs(object?[] items) =>
        items.Select(i => i is long l ? l : throw new InvalidDataException("tensor size/stride is not a tuple of ints")).ToArray();
}

namespace GeoDense.Torch.Native;

// Op codes shared with the shim's switch statements (ops_math.cpp). Keep both sides in step.

internal enum UnaryOp
{
    Neg = 0, Abs = 1, Exp = 2, Log = 3, Sqrt = 4, Rsqrt = 5, Sin = 6, Cos = 7, Tanh = 8, Sigmoid = 9,
    Relu = 10, Gelu = 11, GeluTanh = 12, Silu = 13, Floor = 14, Ceil = 15, Round = 16, Sign = 17, Erf = 18,
    LogicalNot = 19, Reciprocal = 20, Square = 21, Log1p = 22, Expm1 = 23, IsNan = 24, IsInf = 25, Trunc = 26,
    Log2 = 27, BitwiseNot = 28,
}

internal enum BinaryOp
{
    Add = 0, Sub = 1, Mul = 2, Div = 3, Pow = 4, Maximum = 5, Minimum = 6, Eq = 7, Ne = 8, Lt = 9, Le = 10,
    Gt = 11, Ge = 12, LogicalAnd = 13, LogicalOr = 14, Remainder = 15, FloorDivide = 16, Atan2 = 17,
    LogicalXor = 18, BitwiseAnd = 19, BitwiseOr = 20, ReverseSub = 21, ReverseDiv = 22, ReversePow = 23,
}

internal enum ReduceOp
{
    Sum = 0, Mean = 1, Prod = 2, Amax = 3, Amin = 4, Std = 5, Var = 6, All = 7, Any = 8, LogSumExp = 9, Norm2 = 10,
}

internal enum FactoryKind
{
    Empty = 0, Zeros = 1, Ones = 2, Rand = 3, Randn = 4,
}

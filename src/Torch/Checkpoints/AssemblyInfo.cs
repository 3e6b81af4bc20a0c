using System.Runtime.CompilerServices;

// The pickle reader is an implementation detail, tested directly on Python-made pickles.
[assembly: InternalsVisibleTo("GeoDense.Torch.Tests")]

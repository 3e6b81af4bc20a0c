namespace GeoDense.Torch.NN;

/// <summary>An indexed list of children registered as "0", "1", ... (torch.nn.ModuleList). No forward of its own.</summary>
public class ModuleList<T> : Module, IReadOnlyList<T> where T : Module
{
    private readonly List<T> _items = [];

    public ModuleList(params T[] items)
    {
        foreach (var item in items) Add(item);
    }

    public ModuleList(IEnumerable<T> items)
    {
        foreach (var item in items) Add(item);
    }

    public ModuleList<T> Add(T item)
    {
        RegisterModule(_items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), item);
        _items.Add(item);
        return this;
    }

    public T this[int index] => _items[index];
    public int Count => _items.Count;
    public IEnumerator<T> GetEnumerator() => _items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A list of any modules.</summary>
public sealed class ModuleList : ModuleList<Module>
{
    public ModuleList(params Module[] items) : base(items)
    {
    }
}

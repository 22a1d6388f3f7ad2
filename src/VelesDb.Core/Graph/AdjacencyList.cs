namespace VelesDb.Core.Graph;

/// <summary>
/// A growable list of edge slot indices for one node and one direction, kept in insertion order
/// (traversal emits neighbours in that order). A mutable struct stored in an array and always
/// accessed by reference, so a node costs no object of its own beyond the backing array.
/// </summary>
internal struct AdjacencyList
{
    private int[]? _items;

    /// <summary>The number of slot indices held.</summary>
    public int Count { readonly get; private set; }

    /// <summary>The slot indices, in insertion order.</summary>
    public readonly ReadOnlySpan<int> AsSpan() => _items is null ? default : _items.AsSpan(0, Count);

    /// <summary>Appends a slot index.</summary>
    public void Add(int slot)
    {
        if (_items is null)
        {
            _items = new int[4];
        }
        else if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = slot;
    }

    /// <summary>
    /// Removes one occurrence of <paramref name="slot"/>, keeping the order of the others.
    /// Searches from the end because recently added edges are the likeliest to be removed.
    /// </summary>
    /// <returns>False when the slot was not in the list.</returns>
    public bool Remove(int slot)
    {
        if (_items is null)
        {
            return false;
        }

        var index = _items.AsSpan(0, Count).LastIndexOf(slot);
        if (index < 0)
        {
            return false;
        }

        Array.Copy(_items, index + 1, _items, index, Count - index - 1);
        Count--;
        return true;
    }

    /// <summary>Drops every entry and the backing array.</summary>
    public void Clear()
    {
        _items = null;
        Count = 0;
    }
}

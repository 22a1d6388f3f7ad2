using System.Collections.Concurrent;

namespace VelesDb.Core.Index.Hnsw;

/// <summary>
/// A visited set that is cleared in O(1): each mark stores the epoch it was made in, and a reset
/// bumps the epoch. The array is zeroed only when the 16-bit epoch wraps.
/// </summary>
internal sealed class VisitedList
{
    private ushort[] _marks;
    private ushort _epoch;

    public VisitedList(int capacity)
    {
        _marks = new ushort[Math.Max(capacity, 16)];
        _epoch = 1;
    }

    public int Capacity => _marks.Length;

    /// <summary>Starts a new traversal over at least <paramref name="capacity"/> nodes.</summary>
    public void Reset(int capacity)
    {
        if (capacity > _marks.Length)
        {
            _marks = new ushort[Math.Max(capacity, _marks.Length * 2)];
            _epoch = 1;
            return;
        }

        _epoch++;
        if (_epoch == 0)
        {
            Array.Clear(_marks);
            _epoch = 1;
        }
    }

    /// <summary>Marks a node; false when it was already marked in this traversal.</summary>
    public bool TryVisit(int node)
    {
        ref var mark = ref _marks[node];
        if (mark == _epoch)
        {
            return false;
        }

        mark = _epoch;
        return true;
    }
}

/// <summary>
/// A pool of visited lists so concurrent searches do not allocate: each thread keeps one list
/// at hand (no synchronisation on the hot path); a thread that needs a second one at the same
/// time falls back to a shared bag.
/// </summary>
internal sealed class VisitedListPool
{
    [ThreadStatic]
    private static VisitedList? _threadList;

    private readonly ConcurrentBag<VisitedList> _pool = [];

    public VisitedList Rent(int capacity)
    {
        var list = _threadList;
        if (list is not null)
        {
            _threadList = null;
        }
        else if (!_pool.TryTake(out list))
        {
            list = new VisitedList(capacity);
        }

        list.Reset(capacity);
        return list;
    }

    public void Return(VisitedList list)
    {
        if (_threadList is null)
        {
            _threadList = list;
        }
        else
        {
            _pool.Add(list);
        }
    }
}

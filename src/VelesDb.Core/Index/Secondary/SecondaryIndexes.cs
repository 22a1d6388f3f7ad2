using System.Text.Json;
using VelesDb.Core.Filtering;
using VelesDb.Core.Filtering.Bitmaps;

namespace VelesDb.Core.Index.Secondary;

/// <summary>
/// The secondary indexes of one collection (one <see cref="FieldIndex"/> per indexed payload
/// field) and the bitmap of its live rows, which they answer negations against. Turns a filter
/// into the rows it can select: exactly when every condition is answerable by an index, or a
/// superset when some conjunct is not (the caller then checks those rows with the filter).
/// Not thread-safe; the collection's lock guards it.
/// </summary>
internal sealed class SecondaryIndexes
{
    private readonly Dictionary<string, FieldIndex> _byField = new(StringComparer.Ordinal);
    private readonly RoaringBitmap _live = new();

    /// <summary>Whether any field is indexed.</summary>
    public bool IsEmpty => _byField.Count == 0;

    /// <summary>The indexes, by field.</summary>
    public IEnumerable<FieldIndex> Fields => _byField.Values;

    /// <summary>Whether <paramref name="field"/> is indexed.</summary>
    public bool Contains(string field) => _byField.ContainsKey(field);

    /// <summary>Adds an index on <paramref name="field"/> and fills it from <paramref name="rows"/> (row, payload).</summary>
    public FieldIndex Create(string field, IEnumerable<(int Row, JsonElement Payload)> rows)
    {
        var index = new FieldIndex(field);
        foreach (var (row, payload) in rows)
        {
            index.Add(row, payload);
        }

        _byField.Add(index.Field, index);
        return index;
    }

    /// <summary>Removes the index on <paramref name="field"/>; false when there is none.</summary>
    public bool Drop(string field) => _byField.Remove(field);

    /// <summary>A live row with its payload (upsert, or a row loaded at open).</summary>
    public void Add(int row, JsonElement payload)
    {
        _live.Add(row);
        foreach (var index in _byField.Values)
        {
            index.Add(row, payload);
        }
    }

    /// <summary>A row that stops being live, with the payload it was indexed with.</summary>
    public void Remove(int row, JsonElement payload)
    {
        _live.Remove(row);
        foreach (var index in _byField.Values)
        {
            index.Remove(row, payload);
        }
    }

    /// <summary>
    /// The rows <paramref name="condition"/> can select, from the indexes alone: null when no index
    /// narrows it. <paramref name="exact"/> tells whether the rows are exactly the matching ones
    /// (no per-row check needed) or a superset.
    /// </summary>
    public RoaringBitmap? Select(Condition condition, out bool exact)
    {
        exact = false;
        if (_byField.Count == 0)
        {
            return null;
        }

        switch (condition)
        {
            case EqCondition eq when Index(eq) is { } index && index.Equal(eq.Operand) is { } rows:
                exact = true;
                return rows;
            case NeqCondition neq when Index(neq) is { } index && index.Equal(neq.Operand) is { } rows:
                // neq is exactly "not eq": a missing field matches.
                exact = true;
                return RoaringBitmap.AndNot(_live, rows);
            case GtCondition gt when Index(gt) is { } index:
                exact = true;
                return index.Compare(gt.Operand, static order => order > 0);
            case GteCondition gte when Index(gte) is { } index:
                exact = true;
                return index.Compare(gte.Operand, static order => order >= 0);
            case LtCondition lt when Index(lt) is { } index:
                exact = true;
                return index.Compare(lt.Operand, static order => order < 0);
            case LteCondition lte when Index(lte) is { } index:
                exact = true;
                return index.Compare(lte.Operand, static order => order <= 0);
            case InCondition @in when Index(@in) is { } index:
                return SelectIn(index, @in, out exact);
            case IsNotNullCondition notNull when Index(notNull) is { } index:
                exact = true;
                return index.Present.Clone();
            case IsNullCondition isNull when Index(isNull) is { } index:
                // Missing or null: every live row where the field is not present and non-null.
                exact = true;
                return RoaringBitmap.AndNot(_live, index.Present);
            case AndCondition and:
                return SelectAnd(and, out exact);
            case OrCondition or:
                return SelectOr(or, out exact);
            case NotCondition not when Select(not.Condition, out var childExact) is { } rows && childExact:
                exact = true;
                return RoaringBitmap.AndNot(_live, rows);
            default:
                return null;
        }
    }

    private FieldIndex? Index(FieldCondition condition) => _byField.GetValueOrDefault(condition.Field);

    private static RoaringBitmap? SelectIn(FieldIndex index, InCondition condition, out bool exact)
    {
        exact = false;
        var result = new RoaringBitmap();
        foreach (var operand in condition.Operands)
        {
            if (index.Equal(operand) is not { } rows)
            {
                return null;
            }

            result.OrWith(rows);
        }

        exact = true;
        return result;
    }

    /// <summary>The intersection of what the answerable conjuncts select; exact only when all are answered exactly.</summary>
    private RoaringBitmap? SelectAnd(AndCondition condition, out bool exact)
    {
        RoaringBitmap? result = null;
        exact = true;
        foreach (var child in condition.Conditions)
        {
            var rows = Select(child, out var childExact);
            if (rows is null)
            {
                exact = false;
                continue;
            }

            exact &= childExact;
            if (result is null)
            {
                result = rows;
            }
            else
            {
                result.AndWith(rows);
            }
        }

        exact &= result is not null;
        return result;
    }

    /// <summary>The union of what every disjunct selects; null as soon as one cannot be narrowed.</summary>
    private RoaringBitmap? SelectOr(OrCondition condition, out bool exact)
    {
        var result = new RoaringBitmap();
        exact = true;
        foreach (var child in condition.Conditions)
        {
            if (Select(child, out var childExact) is not { } rows)
            {
                exact = false;
                return null;
            }

            exact &= childExact;
            result.OrWith(rows);
        }

        return result;
    }
}

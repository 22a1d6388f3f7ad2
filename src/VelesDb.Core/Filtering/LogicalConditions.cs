using System.Collections.Immutable;
using System.Text.Json;
using VelesDb.Core.Errors;

namespace VelesDb.Core.Filtering;

/// <summary>A combination of child <see cref="Conditions"/> (<c>and</c>, <c>or</c>).</summary>
public abstract class CompositeCondition : Condition
{
    private readonly Condition[] _children;

    private protected CompositeCondition(Condition[] children)
        : base(NestedDepth(children))
    {
        _children = children;
        Conditions = [.. children];
    }

    /// <summary>The children, in evaluation order.</summary>
    public ImmutableArray<Condition> Conditions { get; }

    /// <summary>The children as an array, for allocation-free iteration.</summary>
    private protected Condition[] Children => _children;

    /// <inheritdoc />
    public sealed override bool Equals(Condition? other)
    {
        if (other is not CompositeCondition composite || composite.GetType() != GetType() || composite._children.Length != _children.Length)
        {
            return false;
        }

        for (var i = 0; i < _children.Length; i++)
        {
            if (!_children[i].Equals(composite._children[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public sealed override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        foreach (var child in _children)
        {
            hash.Add(child.GetHashCode());
        }

        return hash.ToHashCode();
    }

    internal sealed override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(ConditionTypes.TypeProperty, Type);
        writer.WriteStartArray(ConditionTypes.ConditionsProperty);
        foreach (var child in _children)
        {
            child.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private protected static Condition[] Copy(IEnumerable<Condition> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var children = conditions.ToArray();
        foreach (var child in children)
        {
            ArgumentNullException.ThrowIfNull(child, nameof(conditions));
        }

        return children;
    }

    internal static int NestedDepth(ReadOnlySpan<Condition> children)
    {
        var deepest = 0;
        foreach (var child in children)
        {
            deepest = Math.Max(deepest, child.Depth);
        }

        return CheckDepth(deepest + 1);
    }

    internal static int CheckDepth(int depth)
    {
        // The bound keeps Matches, ToJson and Parse away from stack exhaustion, and guarantees that
        // every condition that can be built can be parsed back.
        if (depth > Filter.MaxDepth)
        {
            ThrowHelper.Throw(VelesDbErrorCode.Query, $"conditions are nested {depth} deep; the maximum is {Filter.MaxDepth}");
        }

        return depth;
    }
}

/// <summary>
/// <c>and</c>: every child matches. Children are evaluated in order and evaluation stops at the first
/// that does not match. An empty <c>and</c> matches everything (the identity of conjunction).
/// </summary>
public sealed class AndCondition : CompositeCondition
{
    /// <summary>Creates <c>{"type":"and","conditions":[…]}</c>.</summary>
    /// <param name="conditions">The children; an empty list matches everything.</param>
    /// <exception cref="Errors.VelesDbException">The result would be nested deeper than <see cref="Filter.MaxDepth"/>.</exception>
    public AndCondition(params IEnumerable<Condition> conditions)
        : base(Copy(conditions))
    {
    }

    internal AndCondition(Condition[] children)
        : base(children)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.And;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload)
    {
        foreach (var child in Children)
        {
            if (!child.Matches(payload))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// <c>or</c>: at least one child matches. Children are evaluated in order and evaluation stops at the
/// first that matches. An empty <c>or</c> matches nothing (the identity of disjunction).
/// </summary>
public sealed class OrCondition : CompositeCondition
{
    /// <summary>Creates <c>{"type":"or","conditions":[…]}</c>.</summary>
    /// <param name="conditions">The children; an empty list matches nothing.</param>
    /// <exception cref="Errors.VelesDbException">The result would be nested deeper than <see cref="Filter.MaxDepth"/>.</exception>
    public OrCondition(params IEnumerable<Condition> conditions)
        : base(Copy(conditions))
    {
    }

    internal OrCondition(Condition[] children)
        : base(children)
    {
    }

    /// <inheritdoc />
    public override string Type => ConditionTypes.Or;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload)
    {
        foreach (var child in Children)
        {
            if (child.Matches(payload))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// <c>not</c>: the child does not match. Note that <c>not eq</c> equals <c>neq</c> and so matches
/// points where the field is missing.
/// </summary>
public sealed class NotCondition : Condition
{
    /// <summary>Creates <c>{"type":"not","condition":{…}}</c>.</summary>
    /// <param name="condition">The negated condition.</param>
    /// <exception cref="Errors.VelesDbException">The result would be nested deeper than <see cref="Filter.MaxDepth"/>.</exception>
    public NotCondition(Condition condition)
        : base(CompositeCondition.CheckDepth((condition ?? throw new ArgumentNullException(nameof(condition))).Depth + 1))
    {
        Condition = condition;
    }

    /// <summary>The negated condition.</summary>
    public Condition Condition { get; }

    /// <inheritdoc />
    public override string Type => ConditionTypes.Not;

    /// <inheritdoc />
    public override bool Matches(JsonElement payload) => !Condition.Matches(payload);

    /// <inheritdoc />
    public override bool Equals(Condition? other) => other is NotCondition not && Condition.Equals(not.Condition);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Type, Condition.GetHashCode());

    internal override void WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(ConditionTypes.TypeProperty, Type);
        writer.WritePropertyName(ConditionTypes.ConditionProperty);
        Condition.WriteTo(writer);
        writer.WriteEndObject();
    }
}

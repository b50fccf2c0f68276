namespace FeatureStore.Server.Serving;

/// <summary>A JSON number that is not an integer, kept as the text the client sent (for keys, where it is always an error).</summary>
public readonly record struct SentNumber(string Text)
{
    public override string ToString() => Text;
}

namespace FeatureStore.Core.Definitions;

/// <summary>Where a definition was written, so every error can point the user at a file, line and column.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

using System.Globalization;
using FeatureStore.Core.Errors;
using FeatureStore.Core.Materialization;

namespace FeatureStore.Core.Quality;

/// <summary>Where the rows of a profile come from.</summary>
public enum ProfileReferenceKind
{
    /// <summary><c>training-set:FILE</c>: the profile a training set carries for the view.</summary>
    TrainingSet,

    /// <summary><c>profile:NAME</c>: a profile saved with <c>featurestore profile --save NAME</c>.</summary>
    Named,

    /// <summary><c>window:START..END</c>: the latest row per key at END among rows from START, as materialization selects them.</summary>
    Window,

    /// <summary><c>online</c>: the values the online store holds for the view now.</summary>
    Online,

    /// <summary><c>last-run</c>: the profile recorded by the view's latest materialization.</summary>
    LastRun,
}

/// <summary>
/// One of the spellings that name a profile, shared by the YAML <c>reference:</c> key and the <c>--reference</c> and
/// <c>--current</c> options of <c>featurestore drift</c>: <c>training-set:FILE</c>, <c>profile:NAME</c>,
/// <c>window:START..END</c>, and (as the current side only) <c>online</c> and <c>last-run</c>.
/// </summary>
public sealed record ProfileReference
{
    private ProfileReference(ProfileReferenceKind kind, string? value, DateTimeOffset? start, DateTimeOffset? end)
    {
        Kind = kind;
        Value = value;
        Start = start;
        End = end;
    }

    public ProfileReferenceKind Kind { get; }

    /// <summary>The file of a training set (as written, relative to the repository folder) or the name of a saved profile.</summary>
    public string? Value { get; }

    public DateTimeOffset? Start { get; }

    public DateTimeOffset? End { get; }

    public static ProfileReference Window(DateTimeOffset start, DateTimeOffset end) => new(ProfileReferenceKind.Window, null, start, end);

    public static ProfileReference TrainingSet(string path) => new(ProfileReferenceKind.TrainingSet, path, null, null);

    public static ProfileReference Named(string name) => new(ProfileReferenceKind.Named, name, null, null);

    public static ProfileReference Online { get; } = new(ProfileReferenceKind.Online, null, null, null);

    public static ProfileReference LastRun { get; } = new(ProfileReferenceKind.LastRun, null, null, null);

    /// <summary>
    /// Reads a reference. <paramref name="asCurrent"/> admits the forms only a current side can take (<c>online</c>,
    /// <c>last-run</c>) and windows ending <c>now</c>; a reference must stay the same from run to run, so it takes
    /// fixed times only. <paramref name="problem"/> says what is wrong and what is accepted.
    /// </summary>
    public static bool TryParse(string? text, bool asCurrent, DateTimeOffset now, out ProfileReference reference, out string problem)
    {
        reference = LastRun;
        problem = "";
        var forms = asCurrent ? "window:START..END, online or last-run" : "training-set:FILE, profile:NAME or window:START..END";
        var trimmed = text?.Trim() ?? "";
        if (asCurrent && trimmed == "online")
        {
            reference = Online;
            return true;
        }
        if (asCurrent && trimmed == "last-run")
        {
            reference = LastRun;
            return true;
        }
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        var prefix = colon < 0 ? trimmed : trimmed[..colon];
        var rest = colon < 0 ? "" : trimmed[(colon + 1)..].Trim();
        switch (prefix)
        {
            case "training-set" when !asCurrent:
                if (rest.Length == 0)
                {
                    problem = "training-set: needs the path of a training set (training-set:data/training.parquet)";
                    return false;
                }
                reference = TrainingSet(rest);
                return true;
            case "profile" when !asCurrent:
                if (!Loading.NameRules.IsValidName(rest))
                {
                    problem = $"profile: needs the name of a saved profile matching {Loading.NameRules.NamePattern}, not '{rest}'";
                    return false;
                }
                reference = Named(rest);
                return true;
            case "window":
                return TryParseWindow(rest, asCurrent, now, out reference, out problem);
            default:
                problem = $"'{trimmed}' is not a profile reference; write {forms}";
                return false;
        }
    }

    /// <summary><see cref="TryParse"/> that throws <see cref="UserInputException"/> naming <paramref name="optionName"/>.</summary>
    public static ProfileReference Parse(string? text, bool asCurrent, DateTimeOffset now, string optionName) =>
        TryParse(text, asCurrent, now, out var reference, out var problem)
            ? reference
            : throw new UserInputException($"{optionName}: {problem}.");

    private static bool TryParseWindow(string text, bool asCurrent, DateTimeOffset now, out ProfileReference reference, out string problem)
    {
        reference = LastRun;
        var separator = text.IndexOf("..", StringComparison.Ordinal);
        if (separator < 0)
        {
            problem = $"window:{text} needs a start and an end: window:2024-05-01T00:00:00Z..2024-06-01T00:00:00Z";
            return false;
        }
        var startText = text[..separator].Trim();
        var endText = text[(separator + 2)..].Trim();
        if (!asCurrent && (startText.Equals("now", StringComparison.OrdinalIgnoreCase) || endText.Equals("now", StringComparison.OrdinalIgnoreCase)))
        {
            problem = $"window:{text} moves with the clock; a reference window takes fixed ISO-8601 times";
            return false;
        }
        DateTimeOffset start, end;
        try
        {
            start = MaterializationTime.Parse(startText, "the window's start", now);
            end = MaterializationTime.Parse(endText, "the window's end", now);
        }
        catch (UserInputException ex)
        {
            problem = $"window:{text}: {ex.Message.TrimEnd('.')}";
            return false;
        }
        if (end < start)
        {
            problem = $"window:{text} ends before it starts";
            return false;
        }
        reference = Window(start, end);
        problem = "";
        return true;
    }

    /// <summary>The spelling <see cref="TryParse"/> reads back.</summary>
    public override string ToString() => Kind switch
    {
        ProfileReferenceKind.TrainingSet => $"training-set:{Value}",
        ProfileReferenceKind.Named => $"profile:{Value}",
        ProfileReferenceKind.Window => $"window:{FormatTime(Start!.Value)}..{FormatTime(End!.Value)}",
        ProfileReferenceKind.Online => "online",
        _ => "last-run",
    };

    /// <summary>A time as references spell it: ISO-8601 UTC, fractions only when there are any.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFZ", CultureInfo.InvariantCulture);
}

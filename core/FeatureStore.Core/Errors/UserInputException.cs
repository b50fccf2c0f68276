namespace FeatureStore.Core.Errors;

/// <summary>
/// Something the user gave us is wrong (a definition, a request, an input file). The message is written for the
/// user and names the culprit; the CLI prints it and exits 1, the server maps it to INVALID_ARGUMENT or NOT_FOUND.
/// </summary>
public class UserInputException : Exception
{
    public UserInputException(string message) : base(message) { }

    public UserInputException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A named feature, view, service, entity or file does not exist (NOT_FOUND / HTTP 404).</summary>
public sealed class NotFoundException : UserInputException
{
    public NotFoundException(string message) : base(message) { }
}

/// <summary>
/// A problem in the infrastructure (Redis unreachable, disk full) that retries did not fix; not the user's fault.
/// The server maps it to UNAVAILABLE.
/// </summary>
public class StoreUnavailableException : Exception
{
    public StoreUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}

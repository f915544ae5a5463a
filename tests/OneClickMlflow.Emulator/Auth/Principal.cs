namespace OneClickMlflow.Emulator.Auth;

public enum PrincipalKind
{
    ServiceAccount,
    User,
    Federated,
}

/// <summary>Who a token stands for. <see cref="Member"/> is the IAM member string policies name.</summary>
public sealed record Principal(PrincipalKind Kind, string Id)
{
    public string Member => Kind switch
    {
        PrincipalKind.ServiceAccount => "serviceAccount:" + Id,
        PrincipalKind.User => "user:" + Id,
        _ => Id,
    };

    public static Principal ServiceAccount(string email) => new(PrincipalKind.ServiceAccount, email);

    public static Principal User(string email) => new(PrincipalKind.User, email);
}

using GraphGen.Generator.Diagnostics;

namespace GraphGen.Generator.Model;

/// <summary>A statement of a network method.</summary>
internal abstract record Stmt(LocationInfo Location);

/// <summary><c>var name = value;</c></summary>
internal sealed record LocalStmt(string Name, Expr Value, LocationInfo Location) : Stmt(Location);

/// <summary><c>name = value;</c> or a compound assignment (<c>+=</c>, <c>-=</c>, <c>*=</c>).</summary>
internal sealed record AssignStmt(string Name, string Operator, Expr Value, LocationInfo Location) : Stmt(Location);

internal sealed record ReturnStmt(Expr Value, LocationInfo Location) : Stmt(Location);

/// <summary><c>for (int v = start; v &lt; bound; v += step) body</c>, unrolled at compile time.</summary>
internal sealed record ForStmt(string Variable, Expr Start, string Comparison, Expr Bound, int Step, EquatableArray<Stmt> Body, LocationInfo Location) : Stmt(Location);

/// <summary>An if whose condition must be known at compile time (a constant or a loop variable test).</summary>
internal sealed record IfStmt(Expr Condition, EquatableArray<Stmt> Then, EquatableArray<Stmt> Else, LocationInfo Location) : Stmt(Location);

/// <summary><c>name[index] = value;</c> for an array of tensors.</summary>
internal sealed record ElementAssignStmt(string Name, Expr Index, Expr Value, LocationInfo Location) : Stmt(Location);

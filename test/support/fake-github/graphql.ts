/**
 * POST /graphql of the fake: the query is parsed, validated and EXECUTED against GitHub's published
 * schema (@octokit/graphql-schema), so a field, argument or type GitHub does not have fails here as it
 * would there. Only the fields Paved reads are resolved (graphql-resolvers.ts); any other field is a
 * 500 recorded in `fake.unhandled`, never a silent null. Answers like GitHub: 200 with `data` and `errors`.
 */
import { schema as githubSchema } from "@octokit/graphql-schema";
import { buildClientSchema, graphql, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { ok, type Router } from "./http.js";
import { resolvers, NotFoundError, type Node } from "./graphql-resolvers.js";
import type { World } from "./state.js";

let built: GraphQLSchema | undefined;

/**
 * GitHub's schema, built once per process from its published introspection result (the SDL repeats a
 * field GitHub serves once, which graphql-js refuses).
 */
export function githubGraphQLSchema(): GraphQLSchema {
  built ??= buildClientSchema((githubSchema.json as { data?: IntrospectionQuery }).data ?? (githubSchema.json as IntrospectionQuery));
  return built;
}

/** A field GitHub has and the fake does not answer: the test must not pass on a fallback it did not mean. */
export class NotImplementedError extends GraphQLError {}

const fieldResolver: GraphQLFieldResolver<Node, World, Record<string, unknown>> = (source, args, world, info) => {
  const resolve = resolvers[info.parentType.name]?.[info.fieldName];
  if (!resolve) throw new NotImplementedError(`the fake GitHub does not implement ${info.parentType.name}.${info.fieldName}`);
  return resolve(source, args, world);
};

export function graphqlRoutes(router: Router, world: World): void {
  router.on("POST", "/graphql", async (req) => {
    const { query, variables } = (req.body ?? {}) as { query?: string; variables?: Record<string, unknown> };
    if (typeof query !== "string") return { status: 400, data: { message: "Problems parsing JSON" } };
    const result = await graphql({
      schema: githubGraphQLSchema(),
      source: query,
      variableValues: variables ?? {},
      contextValue: world,
      fieldResolver,
      typeResolver: (value) => (value as Node).__typename,
    });
    // Lands in `fake.unhandled` (a 500), as a REST route the fake lacks would.
    const gap = result.errors?.find((e) => e.originalError instanceof NotImplementedError || e instanceof NotImplementedError);
    if (gap) throw new Error(gap.message);
    const errors = result.errors?.map((e) => ({
      ...(e.originalError instanceof NotFoundError ? { type: "NOT_FOUND" } : {}),
      path: e.path,
      locations: e.locations,
      message: e.message,
    }));
    // GitHub answers a query it rejects outright (syntax, validation) without `data`.
    return ok({ ...(result.data !== undefined ? { data: result.data } : {}), ...(errors ? { errors } : {}) });
  });
}

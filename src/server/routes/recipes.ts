/**
 * Recipes: saved recipes in the catalog (`GET/POST /recipes`, `GET/PUT/DELETE /recipes/{name}`,
 * `POST /recipes/{name}/default`: at most one default, used by `POST /simulations` when the body
 * names no recipe), `POST /recipes/validate` (check without storing) and the shipped presets
 * (`GET /presets`, `GET /presets/{name}`). Recipes are stored normalized, so a saved recipe
 * hashes like the same recipe given inline.
 */
import { z } from 'zod';
import { readClock } from '../../clock.js';
import { PRESET_NAME, SAVED_RECIPE_NAME } from '../../core/run-request.js';
import * as recipes from '../../usecases/recipes.js';
import type { ResourcePlugin } from '../context.js';
import { COMMON_ERRORS, errorResponses } from '../error-envelope.js';
import { RecipeObjectSchema } from '../run-schemas.js';
import { DEFAULT_PAGE, KeyCursorParam, LimitParam, decodeKeyCursor, encodeKeyCursor, pageSchema } from '../schemas.js';
import { parseBodyRecipe } from '../simulation-request.js';

const RecipeName = z.string().regex(SAVED_RECIPE_NAME, 'must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit');

export const SavedRecipeSchema = z
  .object({
    name: z.string(),
    strategy: z.string(),
    recipe_hash: z.string(),
    is_default: z.boolean(),
    recipe: RecipeObjectSchema,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .meta({ id: 'SavedRecipe', description: 'A named recipe saved in the catalog, normalized.' });

const PresetSchema = z
  .object({ name: z.string(), description: z.string(), strategy: z.string(), recipe_hash: z.string(), recipe: RecipeObjectSchema })
  .meta({ id: 'Preset', description: 'A recipe shipped with luckyfive.' });

const ValidationSchema = z
  .object({
    valid: z.boolean(),
    errors: z.array(z.string()).meta({ description: '`path: problem` lines, paths inside the recipe (as `luckyfive recipes validate`); empty when valid' }),
    format: z.string().nullable().meta({ description: 'v2, legacy-v1 or legacy-flat' }),
    notes: z.array(z.string()).meta({ description: 'what a legacy conversion assumed or dropped' }),
    recipe_hash: z.string().nullable(),
    recipe: RecipeObjectSchema.nullable().meta({ description: 'the normalized recipe, when valid' }),
  })
  .meta({ id: 'RecipeValidation' });

const NameParams = z.strictObject({ name: RecipeName });
const RecipeBody = z.strictObject({ recipe: RecipeObjectSchema });

const recipesRoutes: ResourcePlugin = (app, { ctx }, done) => {
  /** the catalog, and the time of this request */
  const deps = () => ({ catalog: ctx.catalog, clock: readClock(new Date(ctx.now())) });
  const analyst = { role: 'analyst', rateClass: 'write' } as const;
  const viewer = { role: 'viewer', rateClass: 'read' } as const;

  app.get(
    '/recipes',
    {
      config: viewer,
      schema: {
        summary: 'Saved recipes by name',
        tags: ['recipes'],
        querystring: z.strictObject({ limit: LimitParam, cursor: KeyCursorParam }),
        response: { 200: pageSchema(SavedRecipeSchema), ...COMMON_ERRORS },
      },
    },
    (request) => {
      const limit = request.query.limit ?? DEFAULT_PAGE;
      const after = request.query.cursor === undefined ? undefined : (decodeKeyCursor('recipes', request.query.cursor, ['string'])[0] as string);
      const page = recipes.listSavedRecipes(ctx, { after, limit });
      const last = page.items.at(-1);
      return { items: page.items, next_cursor: page.more && last ? encodeKeyCursor('recipes', [last.name]) : null };
    },
  );

  app.post(
    '/recipes',
    {
      config: analyst,
      schema: {
        summary: 'Save a recipe under a name (any accepted format; stored normalized)',
        tags: ['recipes'],
        body: z.strictObject({ name: RecipeName, recipe: RecipeObjectSchema }),
        response: { 201: SavedRecipeSchema, ...COMMON_ERRORS, ...errorResponses(409, 413) },
      },
    },
    (request, reply) => {
      const { recipe } = parseBodyRecipe(request.body.recipe);
      const saved = recipes.saveRecipe(deps(), { name: request.body.name, recipe });
      request.log.info({ recipe: saved.name, by: request.principal?.id }, 'recipe saved');
      reply.code(201);
      return saved;
    },
  );

  app.post(
    '/recipes/validate',
    {
      config: viewer,
      schema: {
        summary: 'Check a recipe without storing it: valid, or every problem as `path: problem`',
        tags: ['recipes'],
        body: z.strictObject({ recipe: z.unknown() }),
        response: { 200: ValidationSchema, ...COMMON_ERRORS, ...errorResponses(413) },
      },
    },
    // paths relative to the recipe, as `luckyfive recipes validate` prints them
    (request) => recipes.validateRecipe({ recipe: request.body.recipe }),
  );

  app.get(
    '/recipes/:name',
    {
      config: viewer,
      schema: {
        summary: 'One saved recipe',
        tags: ['recipes'],
        params: NameParams,
        response: { 200: SavedRecipeSchema, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => recipes.showSavedRecipe(ctx, { name: request.params.name }),
  );

  app.put(
    '/recipes/:name',
    {
      config: analyst,
      schema: {
        summary: 'Replace a saved recipe (runs already made keep the recipe they ran)',
        tags: ['recipes'],
        params: NameParams,
        body: RecipeBody,
        response: { 200: SavedRecipeSchema, ...COMMON_ERRORS, ...errorResponses(404, 413) },
      },
    },
    (request) => {
      const { recipe } = parseBodyRecipe(request.body.recipe);
      return recipes.replaceSavedRecipe(deps(), { name: request.params.name, recipe });
    },
  );

  app.delete(
    '/recipes/:name',
    {
      config: analyst,
      schema: {
        summary: 'Delete a saved recipe',
        tags: ['recipes'],
        params: NameParams,
        response: { 200: z.object({ name: z.string(), deleted: z.literal(true) }), ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => recipes.deleteSavedRecipe(ctx, { name: request.params.name }),
  );

  app.post(
    '/recipes/:name/default',
    {
      config: analyst,
      schema: {
        summary: 'Make this the default recipe (the only one): POST /simulations uses it when the body names none',
        tags: ['recipes'],
        params: NameParams,
        response: { 200: SavedRecipeSchema, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => recipes.makeDefaultRecipe(deps(), { name: request.params.name }),
  );

  app.get(
    '/presets',
    {
      config: viewer,
      schema: {
        summary: 'The recipes shipped with luckyfive',
        tags: ['recipes'],
        response: { 200: z.object({ items: z.array(PresetSchema) }), ...COMMON_ERRORS },
      },
    },
    () => ({ items: recipes.listPresetRecipes() }),
  );

  app.get(
    '/presets/:name',
    {
      config: viewer,
      schema: {
        summary: 'One shipped preset',
        tags: ['recipes'],
        params: z.strictObject({ name: z.string().regex(PRESET_NAME, 'must be a preset name') }),
        response: { 200: PresetSchema, ...COMMON_ERRORS, ...errorResponses(404) },
      },
    },
    (request) => recipes.showPreset({ name: request.params.name }),
  );
  done();
};

export default recipesRoutes;

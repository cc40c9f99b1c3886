import { IsBoolean, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';

@InputType({ description: 'Which lead a field of the merged lead takes its value from.' })
export class MergeFieldWinner {
  @Field(() => String, { description: 'A mergeable field of the lead, by its GraphQL name (topic, email, address, budget, …; see the mutation); any other name is VALIDATION.' })
  @IsString()
  field!: string;

  @Field(() => ID, { description: 'The source whose value wins, or the target (its own value: the default). Any other lead is VALIDATION.' })
  @IsString()
  fromLeadId!: string;
}

@InputType({ description: 'Folds 1..3 source leads into a target lead.' })
export class MergeLeadsInput {
  @Field(() => ID, { description: 'The lead that remains: an OPEN lead the caller may write.' })
  @IsString()
  targetId!: string;

  @Field(() => [ID], { description: 'The leads folded into the target: 1..3 OPEN leads the caller may write, each once, the target not among them. Their order decides which source wins a contact that several of them have as a stakeholder (the first).' })
  sourceIds!: string[];

  @Field(() => [MergeFieldWinner], { nullable: true, description: 'Fields whose value comes from a source rather than the target, at most one entry per field; absent or empty keeps every value of the target.' })
  @IsOptional() @ValidateNested({ each: true })
  fieldWinners?: MergeFieldWinner[] | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Check everything and return the merged lead as it would be, with the counts of what would move; write nothing. Null means false.' })
  @IsOptional() @IsBoolean()
  dryRun?: boolean | null;
}

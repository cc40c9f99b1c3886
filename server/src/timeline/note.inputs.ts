import { IsOptional, MaxLength, registerDecorator, ValidateNested, type ValidationOptions } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { IsNotBlank } from '../common/validators';
import { contentProblem, fileNameProblem, mimeTypeProblem } from './attachment.content';

export const MAX_NOTE_LENGTH = 10_000;

/** A rule given as a function that explains what is wrong with a value (null: nothing). */
function Satisfies(problem: (value: unknown) => string | null, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: `satisfies_${problem.name}`, target: target.constructor, propertyName, options,
      validator: {
        validate: (v: unknown) => problem(v) === null,
        defaultMessage: (a) => problem(a?.value) ?? `${a?.property} is not valid`,
      },
    });
}

@InputType({ description: 'A file for a note, at most 2 MiB once decoded.' })
export class AttachmentInput {
  @Field(() => String, { description: '1..255 characters, without path separators or control characters.' })
  @Satisfies(fileNameProblem)
  fileName!: string;

  @Field(() => String, { description: 'A media type of the form type/subtype, e.g. "application/pdf".' })
  @Satisfies(mimeTypeProblem)
  mimeType!: string;

  @Field(() => String, {
    description: 'The file in standard base64 (RFC 4648 §4) with padding and no white space; 1 byte to 2 MiB decoded.',
  })
  @Satisfies(contentProblem)
  contentBase64!: string;
}

@InputType()
export class AddNoteInput {
  @Field(() => ID)
  leadId!: string;

  @Field(() => String, { description: '1..10000 characters, not blank.' })
  @MaxLength(MAX_NOTE_LENGTH) @IsNotBlank()
  text!: string;

  @Field(() => AttachmentInput, { nullable: true })
  @IsOptional() @ValidateNested()
  attachment?: AttachmentInput | null;
}

@InputType()
export class UpdateNoteInput {
  @Field(() => ID)
  noteId!: string;

  @Field(() => String, { description: '1..10000 characters, not blank; replaces the text.' })
  @MaxLength(MAX_NOTE_LENGTH) @IsNotBlank()
  text!: string;
}

@InputType()
export class DeleteNoteInput {
  @Field(() => ID)
  noteId!: string;
}
